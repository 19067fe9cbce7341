/**
 * @module Email addresses as Latchkey accepts them before anything reaches a mailer: one plain
 * `local@domain` mailbox, no display name, no quoted local part, no comments, nothing that could
 * end a header line. Header injection (CR/LF, CWE-93) and oversized input stop here, at the edge.
 */

/** RFC 5321 section 4.5.3.1.3: a path is at most 256 octets including the angle brackets. */
export const MAX_ADDRESS_LENGTH = 254;
/** RFC 5321 section 4.5.3.1.1: a local part is at most 64 octets. */
export const MAX_LOCAL_PART_LENGTH = 64;

// RFC 5322 section 3.2.3 dot-atom: atext runs separated by single dots; RFC 6531 lets the
// local part carry UTF-8 too. Whitespace, controls, quotes, brackets and backslashes are refused.
const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
// RFC 1035 section 2.3.1 labels (letters, digits, inner hyphens; IDN letters allowed), at most 63 each.
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

/**
 * Why `address` cannot be used as a mailbox, or `null` when it can. The message never repeats
 * the address (it may be hostile, and it is personal data).
 * @example
 * addressProblem('alice@example.com'); // null
 * addressProblem('alice@example.com\r\nBcc: victim@example.org'); // 'Enter a valid email address.'
 */
export function addressProblem(address: string): string | null {
  if (typeof address !== 'string' || address === '') return 'Enter an email address.';
  if (Buffer.byteLength(address, 'utf8') > MAX_ADDRESS_LENGTH)
    return `Ensure the email address has at most ${MAX_ADDRESS_LENGTH} characters.`;
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return 'Enter a valid email address.';
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (Buffer.byteLength(local, 'utf8') > MAX_LOCAL_PART_LENGTH || !LOCAL_PART.test(local))
    return 'Enter a valid email address.';
  if (!domain.split('.').every((label) => DOMAIN_LABEL.test(label))) return 'Enter a valid email address.';
  return null;
}

/**
 * `address` trimmed, with its domain lower-cased (Django's `normalize_email`), or `null` when it is
 * no acceptable mailbox.
 * @example
 * parseAddress(' Alice@Example.COM '); // 'Alice@example.com'
 */
export function parseAddress(address: string): string | null {
  // A line break anywhere, even one `trim` would remove, is an injection attempt: refused, not cleaned.
  if (typeof address !== 'string' || /[\r\n\p{Cc}]/u.test(address)) return null;
  const trimmed = address.trim();
  if (addressProblem(trimmed) !== null) return null;
  const at = trimmed.lastIndexOf('@');
  return `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
}
