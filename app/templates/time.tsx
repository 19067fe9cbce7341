/**
 * @module Times as a person reads them: "2 minutes ago" in the text, the exact instant in
 * `<time datetime>` (HTML Living Standard 4.5.14), and the reader's local date filled in by
 * `/static/local-time.js` (the server's UTC text stays when scripts are off).
 */
import type { FC } from 'hono/jsx';

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['week', 7 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

/** Most phrases and texts kept before the memo starts over. */
const MEMO_MAX = 1024;

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const utc = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/**
 * `date` relative to `now`, in words: "just now", "2 minutes ago", "yesterday", "in 3 days".
 * @example
 * relativeTime(new Date(now - 120_000), new Date(now)); // '2 minutes ago'
 */
export function relativeTime(date: Date, now: Date): string {
  const seconds = (date.getTime() - now.getTime()) / 1000;
  if (Math.abs(seconds) < 45) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size * 0.95) return inWords(Math.round(seconds / size), unit);
  }
  return inWords(Math.round(seconds / 60), 'minute');
}

/** "3 minutes ago" for (-3, 'minute'), formatted once per pair (a page shows the same few). */
const phrases = new Map<string, string>();

function inWords(value: number, unit: Intl.RelativeTimeFormatUnit): string {
  const key = `${value} ${unit}`;
  let phrase = phrases.get(key);
  if (phrase === undefined) {
    phrase = relative.format(value, unit);
    if (phrases.size >= MEMO_MAX) phrases.clear();
    phrases.set(key, phrase);
  }
  return phrase;
}

/**
 * Formatted instants: a page shows the same few (a last login, the sessions' last activity) on
 * every request, and `Intl.DateTimeFormat#format` costs a few microseconds each time.
 */
const utcTexts = new Map<number, string>();

/**
 * The short UTC form the page shows until the script shows the reader's local time.
 * @example
 * utcText(new Date('2026-12-04T13:07:00Z')); // '4 Dec 2026, 13:07 UTC'
 */
export function utcText(date: Date): string {
  const ms = date.getTime();
  let text = utcTexts.get(ms);
  if (text === undefined) {
    text = `${utc.format(date)} UTC`;
    if (utcTexts.size >= MEMO_MAX) utcTexts.clear();
    utcTexts.set(ms, text);
  }
  return text;
}

/** "2 minutes ago" with the exact instant in `datetime` and the UTC date as its title. */
export const Ago: FC<{ date: Date; now: Date }> = ({ date, now }) => (
  <time datetime={date.toISOString()} title={utcText(date)}>
    {relativeTime(date, now)}
  </time>
);

/** "2 minutes ago (4 Dec 2026, 14:07)", the part in brackets in the reader's time zone. */
export const AgoWithDate: FC<{ date: Date; now: Date }> = ({ date, now }) => (
  <>
    <Ago date={date} now={now} /> (<span data-local-time={date.toISOString()}>{utcText(date)}</span>)
  </>
);
