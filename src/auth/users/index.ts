/** @module Users, groups and permissions (Django's `django.contrib.auth.models`). */

export { commonPasswords, isCommonPassword } from './common-passwords.js';
export {
  DuplicateGroupError,
  DuplicateUsernameError,
  InvalidUserFieldError,
  UnknownGroupError,
  UnknownUserError,
} from './errors.js';
export { GROUP_NAME_MAX_LENGTH, type Group } from './grants.js';
export type { NewUser } from './new-user.js';
export {
  EMAIL_MAX_LENGTH,
  emailProblem,
  normalizeEmail,
  normalizeUsername,
  parseUsername,
  USERNAME_MAX_LENGTH,
  USERNAME_RULE,
  usernameProblem,
} from './normalize.js';
export {
  defaultPasswordValidators,
  MIN_PASSWORD_LENGTH,
  type PasswordRuleOptions,
  passwordProblems,
  userAttributes,
} from './password-rules.js';
export {
  commonPasswordValidator,
  minimumLengthValidator,
  numericPasswordValidator,
  type PasswordUser,
  type PasswordValidator,
  passwordValidatorsFrom,
  userAttributeSimilarityValidator,
  validatePassword,
  validatorSpecProblem,
} from './password-validators.js';
export { PERMISSION_MAX_LENGTH, type PermissionSubject, parsePermission } from './permissions.js';
export { type UserFlags, UserRepository, type UserRepositoryOptions } from './repository.js';
export { type PublicUser, parseUserId, User, type UserFields, userFromRow } from './user.js';
