/**
 * @module Plain-text tables for terminal output. Cells are cleaned of control and format
 * characters first: audit rows hold request text (user agents, typed usernames), and an escape
 * sequence printed raw could rewrite the operator's terminal (CWE-150).
 */

/** Longest cell shown, in characters; longer ones end with "…". */
export const MAX_CELL = 40;

/**
 * `text` safe to print: control and format characters (ESC, CR, bidi overrides) become "?".
 * @example
 * printable('evil\u001b[2J'); // 'evil?[2J'
 */
export function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, '?');
}

function cell(value: string | null): string[] {
  const chars = [...printable(value ?? '-')];
  return chars.length > MAX_CELL ? [...chars.slice(0, MAX_CELL - 1), '…'] : chars;
}

/**
 * Lays out `rows` under `headers` in columns two spaces apart, one line per row.
 * @example
 * formatTable(['event', 'user'], [['user_logged_in', 'alice']]);
 * // 'event           user \nuser_logged_in  alice\n'
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly (string | null)[])[],
): string {
  const cells = [headers.map((header) => [...header]), ...rows.map((row) => row.map(cell))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
  return cells
    .map((row) =>
      row
        .map((chars, column) => chars.join('') + ' '.repeat((widths[column] ?? 0) - chars.length))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}
