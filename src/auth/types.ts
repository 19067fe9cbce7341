/** @module What the login/logout machinery needs of users and where it finds them. */

/** The fields of a user that authentication reads. The user model of `src/auth/users` has them. */
export interface AuthUser {
  readonly id: string;
  readonly username: string;
  /** The encoded password hash (never a plain password). */
  readonly password: string;
  readonly isActive: boolean;
}

/** Where authentication looks users up and records logins. `UserRepository` implements it. */
export interface UserSource<User extends AuthUser = AuthUser> {
  getById(id: string): Promise<User | null>;
  getByUsername(username: string): Promise<User | null>;
  /**
   * The users with this email address, ignoring case (password reset; login by email). Optional:
   * without it, neither finds anyone.
   */
  listByEmail?(email: string): Promise<User[]>;
  setPassword(id: string, encoded: string): Promise<void>;
  updateLastLogin(id: string, at: Date): Promise<void>;
  /** Whether `user` holds `permission` (active superusers hold all; inactive users none). */
  hasPerm(user: User, permission: string): Promise<boolean>;
}

/** The password hashing that login and password change use (see `src/auth/hashers`). */
export interface PasswordService {
  /** Checks a password against an encoded hash; `mustUpdate` asks for a rehash with the default hasher. */
  check(password: string, encoded: string): Promise<{ valid: boolean; mustUpdate: boolean }>;
  /** Hashes a password with the default hasher. */
  make(password: string): Promise<string>;
  /** Runs the default hasher once, so that an unknown username costs as much as a known one. */
  harden(password: string): Promise<void>;
}

/** Where API tokens live (`TokenRepository` implements it). Tokens are stored hashed. */
export interface TokenSource {
  /** Makes a token for `userId` and returns it; it is shown once and never stored in clear. */
  create(userId: string, options?: { readonly name?: string }): Promise<string>;
  /** The id of the user the token belongs to, or `null`. */
  authenticate(token: string): Promise<string | null>;
  /** Revokes one token; whether it existed. */
  revoke(token: string): Promise<boolean>;
  /** Revokes every token of a user (optionally but one); how many. */
  revokeAll(userId: string, options?: { readonly except?: string }): Promise<number>;
}
