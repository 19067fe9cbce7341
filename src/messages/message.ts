/**
 * @module One message (Django's `storage.base.Message`) and the compact JSON form it takes in the
 * cookie and in the session.
 */
import { DEFAULT_MESSAGE_TAGS } from './constants.js';

/** Options of {@link Message}. */
export interface MessageOptions {
  /** Space-separated tags added before the level's own, e.g. `'persistent'`. */
  readonly extraTags?: string;
  /** Tag of each level; defaults to {@link DEFAULT_MESSAGE_TAGS}. */
  readonly levelTags?: Readonly<Record<number, string>>;
}

/**
 * A message for the user. `text` is plain text: escaping it is the renderer's job, so a message
 * never carries markup from whoever wrote it.
 * @example
 * const message = new Message(MessageLevel.WARNING, 'Your password expires soon.', { extraTags: 'sticky' });
 * message.tags; // 'sticky warning'
 */
export class Message {
  readonly level: number;
  readonly text: string;
  readonly extraTags: string;
  /** The tag of `level` alone, or `''` for a level without one. */
  readonly levelTag: string;

  constructor(level: number, text: string, options?: MessageOptions) {
    this.level = level;
    this.text = text;
    this.extraTags = options?.extraTags ?? '';
    this.levelTag = (options?.levelTags ?? DEFAULT_MESSAGE_TAGS)[level] ?? '';
  }

  /** Extra tags then the level tag, space-separated (Django's `Message.tags`), for a CSS class. */
  get tags(): string {
    return [this.extraTags, this.levelTag].filter((tag) => tag !== '').join(' ');
  }

  toString(): string {
    return this.text;
  }
}

/**
 * The stored form of a message: `[level, text]`, plus the extra tags when there are any (Django's
 * `MessageEncoder` also omits empty extra tags, to keep the cookie small).
 */
export type StoredMessage =
  | readonly [level: number, text: string]
  | readonly [level: number, text: string, extraTags: string];

/**
 * The stored form of `message`.
 * @example
 * toStoredMessage(new Message(25, 'Saved')); // [25, 'Saved']
 */
export function toStoredMessage(message: Message): StoredMessage {
  return message.extraTags === ''
    ? [message.level, message.text]
    : [message.level, message.text, message.extraTags];
}

/**
 * Reads a stored message back; `null` when `value` does not have the stored form.
 * @example
 * fromStoredMessage([40, 'Failed'], DEFAULT_MESSAGE_TAGS)?.tags; // 'error'
 */
export function fromStoredMessage(
  value: unknown,
  levelTags: Readonly<Record<number, string>>,
): Message | null {
  if (!Array.isArray(value) || value.length < 2 || value.length > 3) return null;
  const [level, text, extraTags = ''] = value as unknown[];
  if (!Number.isSafeInteger(level) || typeof text !== 'string' || typeof extraTags !== 'string') return null;
  return new Message(level as number, text, { extraTags, levelTags });
}

/**
 * Reads a list of stored messages; `null` when it is not a list or any entry is malformed (one
 * bad entry means the whole list did not come from us).
 * @example
 * fromStoredMessages([[20, 'Hi']], DEFAULT_MESSAGE_TAGS); // [Message]
 */
export function fromStoredMessages(
  value: unknown,
  levelTags: Readonly<Record<number, string>>,
): Message[] | null {
  if (!Array.isArray(value)) return null;
  const messages: Message[] = [];
  for (const item of value) {
    const message = fromStoredMessage(item, levelTags);
    if (message === null) return null;
    messages.push(message);
  }
  return messages;
}
