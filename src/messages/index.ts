/** @module `latchkey/messages`: one-time messages (Django's messages framework). */
export {
  DEFAULT_MESSAGE_LEVEL,
  DEFAULT_MESSAGE_TAGS,
  MAX_MESSAGE_COOKIE_SIZE,
  MESSAGES_COOKIE_NAME,
  MESSAGES_SESSION_KEY,
  MessageLevel,
} from './constants.js';
export { messageCookieOptions } from './cookie-storage.js';
export { Message } from './message.js';
export type { MessageSession } from './session-storage.js';
export {
  type AddMessageOptions,
  type MessageCommit,
  MessageStore,
  type MessageStoreOptions,
} from './store.js';
