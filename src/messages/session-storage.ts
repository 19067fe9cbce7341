/**
 * @module The session side of message storage (Django's `storage/session.py`): messages that did
 * not fit in the cookie wait under one session key until they are shown.
 */
import { MESSAGES_SESSION_KEY } from './constants.js';
import { fromStoredMessages, type Message, toStoredMessage } from './message.js';

/**
 * The part of a `Session` that message storage uses; a real `Session` satisfies it. Structural, so
 * a session typed with the app's own data shape can be passed too.
 */
export interface MessageSession {
  get(name: string): Promise<unknown>;
  set(name: string, value: unknown): Promise<void>;
  pop(name: string): Promise<unknown>;
}

/**
 * The messages waiting in the session, oldest first; `[]` when there are none or the entry is
 * malformed (session data is already signed by the session codec, so this is a bug, not an attack).
 * @example
 * const overflow = await readSessionMessages(session, DEFAULT_MESSAGE_TAGS);
 */
export async function readSessionMessages(
  session: MessageSession,
  levelTags: Readonly<Record<number, string>>,
): Promise<Message[]> {
  const value = await session.get(MESSAGES_SESSION_KEY);
  if (value === undefined) return [];
  return fromStoredMessages(value, levelTags) ?? [];
}

/**
 * Puts `messages` in the session, or removes the entry when there are none, so that a shown
 * message is never shown again.
 * @example
 * await writeSessionMessages(session, unstored);
 */
export async function writeSessionMessages(
  session: MessageSession,
  messages: readonly Message[],
): Promise<void> {
  if (messages.length > 0) await session.set(MESSAGES_SESSION_KEY, messages.map(toStoredMessage));
  else await session.pop(MESSAGES_SESSION_KEY);
}
