/** @module The audit log of authentication events. */

export { hashSessionKey, SESSION_HASH_LENGTH } from '../sessions/public-id.js';
export {
  AUDIT_EVENTS,
  AUDIT_LIST_MAX,
  type AuditEntry,
  type AuditEvent,
  type AuditListOptions,
  AuditLog,
  type AuditRecord,
  USER_AGENT_MAX_LENGTH,
} from './log.js';
export { DETAIL_MAX_LENGTH } from './sanitize.js';
export { recordAuthEvents } from './subscribe.js';
