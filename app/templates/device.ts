/**
 * @module "Chrome on Linux" from a User-Agent string, through bowser (a maintained parser, MIT):
 * User-Agent grammars change every release, so the app does not keep regular expressions of its own.
 */
import Bowser from 'bowser';

/** Longest raw User-Agent shown when the parser recognises nothing. */
const RAW_MAX = 60;

/**
 * A short, readable name of the device behind `userAgent`: "Chrome on Linux", "Safari on iOS",
 * "Firefox"; the raw string (cut to 60 characters) when nothing is recognised; "Unknown device"
 * when there was none.
 * @example
 * describeDevice('Mozilla/5.0 (X11; Linux x86_64) … Chrome/131.0.0.0 Safari/537.36'); // 'Chrome on Linux'
 */
export function describeDevice(userAgent: string | null): string {
  const raw = userAgent?.trim() ?? '';
  if (raw === '') return 'Unknown device';
  const parsed = Bowser.parse(raw);
  const browser = parsed.browser.name ?? '';
  const os = parsed.os.name ?? '';
  if (browser !== '' && os !== '') return `${browser} on ${os}`;
  if (browser !== '' || os !== '') return browser || os;
  return raw.length > RAW_MAX ? `${raw.slice(0, RAW_MAX - 1)}…` : raw;
}
