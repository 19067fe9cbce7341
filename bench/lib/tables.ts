/**
 * @module Tables of a run's results, built once and rendered twice: aligned text for the terminal
 * and Markdown for the README.
 */
import { machineLine } from './machine.js';
import type { BenchResults, HttpRow } from './results.js';
import { median, ratio } from './stats.js';

/** A titled table. */
export interface Table {
  readonly title: string;
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

const num = (value: number, digits = 0): string =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';

const SCENARIO_TITLES: Record<string, string> = {
  S0: 'S0 limit: the dashboard with no session at all (req/s per framework)',
  S1: 'S1 authenticated page: GET /dashboard/ with a valid session',
  S2: 'S2 anonymous: GET /dashboard/ without a session (302 to the login page)',
  'S3-fast':
    'S3 login + logout cycles per second, fast hasher (PBKDF2 × 1,000) — CSRF checked where the stack has it',
  'S3-default':
    'S3 login + logout cycles per second, default hasher (argon2id for Latchkey/Express, scrypt for better-auth)',
};

/** The generator of a row's runs and the CPU it used (median over the runs, in cores). */
function generatorCell(r: HttpRow): string {
  const generators = [...new Set(r.runs.map((run) => run.generator ?? 'autocannon'))].join('+');
  const cpu = median(r.runs.map((run) => run.generatorCpu ?? Number.NaN));
  return Number.isFinite(cpu) ? `${generators} ${num(cpu * 100)}% of a core` : generators;
}

function httpTable(results: BenchResults, scenario: string): Table | null {
  const rows = results.http.filter((r) => r.scenario === scenario);
  if (rows.length === 0) return null;
  const unit = scenario.startsWith('S3') ? 'cycles/s' : 'req/s';
  const base = scenario === 'S0' ? undefined : rows.find((r) => r.contender === 'express-passport-redis');
  const line = (r: HttpRow): string[] => [
    r.contender,
    num(r.perSecond),
    num(r.p50, 2),
    num(r.p99, 2),
    base === undefined ? '' : `${ratio(r.perSecond, base.perSecond)?.toFixed(2) ?? 'n/a'}×`,
    generatorCell(r),
    r.problem ?? '',
  ];
  return {
    title: SCENARIO_TITLES[scenario] ?? scenario,
    head: [
      scenario === 'S0' ? 'framework' : 'contender',
      unit,
      'p50 ms',
      'p99 ms',
      base ? 'vs express-redis' : '',
      'generator (its CPU)',
      'problem',
    ],
    rows: rows.map(line),
  };
}

/** Every table of a run, in reading order. */
export function buildTables(results: BenchResults): Table[] {
  const tables: Table[] = [
    {
      title: 'Contenders (what one authenticated request costs each)',
      head: ['contender', 'revoked at logout', 'per request'],
      rows: results.contenders.map((c) => [
        c.name,
        c.revokedAtLogout === null ? '' : c.revokedAtLogout ? 'yes' : 'NO (copied cookie still works)',
        c.skipped === null ? c.does : `skipped: ${c.skipped}`,
      ]),
    },
  ];
  for (const scenario of ['S0', 'S1', 'S2', 'S3-fast', 'S3-default']) {
    const table = httpTable(results, scenario);
    if (table !== null) tables.push(table);
  }
  if (results.busy.length > 0) {
    tables.push({
      title: `S5 busy login: S1 at a fixed rate, alone and with ${results.method.s5LoginsPerSecond} logins/s (default hasher) alongside`,
      head: [
        'contender',
        'rate/s',
        'p99 alone',
        'p99 with logins',
        'ratio',
        'logins/s',
        'login p50 ms',
        'problem',
      ],
      rows: results.busy.map((r) => [
        r.contender,
        num(r.rate),
        num(r.idleP99, 2),
        num(r.busyP99, 2),
        ratio(r.busyP99, r.idleP99)?.toFixed(2) ?? 'n/a',
        num(r.loginsPerSecond, 1),
        num(r.loginP50, 0),
        r.problem ?? '',
      ]),
    });
  }
  if (results.logoutAll.length > 0) {
    tables.push({
      title: 'S4 log out everywhere: one user with 10 sessions among N stored sessions',
      head: ['approach', 'sessions', 'median ms', 'trials', 'load s', 'problem'],
      rows: results.logoutAll.map((r) => [
        r.approach,
        num(r.total),
        num(r.medianMs, 2),
        String(r.trialsMs.length),
        num(r.loadSeconds, 1),
        r.problem ?? '',
      ]),
    });
  }
  if ((results.memory ?? []).length > 0) {
    tables.push({
      title: "S1 memory: the server's resident set during one long S1 run",
      head: ['contender', 'requests', 'RSS MiB', 'requests', 'RSS MiB', 'growth', 'problem'],
      rows: (results.memory ?? []).map((r) => [
        r.contender,
        num(r.requestsEarly),
        num(r.rssEarly, 1),
        num(r.requestsLate),
        num(r.rssLate, 1),
        `${num(((ratio(r.rssLate, r.rssEarly) ?? Number.NaN) - 1) * 100, 1)}%`,
        r.problem ?? '',
      ]),
    });
  }
  tables.push({
    title: 'Goals (ratios within this run)',
    head: ['goal', 'value', 'target', 'met', 'note'],
    rows: results.goals.map((g) => [
      g.description,
      g.value === null ? 'n/a' : String(g.value),
      g.target,
      g.met === null ? '—' : g.met ? 'yes' : 'NO',
      g.note,
    ]),
  });
  for (const p of results.profiles) {
    tables.push({
      title: `CPU profile of ${p.contender} under ${p.scenario}: where the server's time goes (self time)`,
      head: ['module', 'self %'],
      rows: p.byModule.map((m) => [m.module, m.selfPercent.toFixed(1)]),
    });
    tables.push({
      title: `CPU profile of ${p.contender} under ${p.scenario}: top functions (self time)`,
      head: ['function', 'where', 'self %'],
      rows: p.topFunctions.map((f) => [f.name, f.where, f.selfPercent.toFixed(1)]),
    });
  }
  return tables;
}

/** Drops columns that are empty in every row (e.g. "problem" in a clean run). */
function dropEmptyColumns(table: Table): Table {
  const keep = table.head.map((_, i) => i === 0 || table.rows.some((r) => (r[i] ?? '') !== ''));
  const pick = <T>(cells: readonly T[]): T[] => cells.filter((_, i) => keep[i]);
  return { title: table.title, head: pick(table.head), rows: table.rows.map(pick) };
}

/** Aligned plain text: the first column left, the others right. */
export function renderText(results: BenchResults): string {
  const out = [machineLine(results.machine), ''];
  for (const raw of buildTables(results)) {
    const table = dropEmptyColumns(raw);
    const widths = table.head.map((h, i) =>
      Math.max(h.length, ...table.rows.map((r) => (r[i] ?? '').length)),
    );
    const cell = (value: string, i: number): string =>
      i === 0 || i === table.head.length - 1 ? value.padEnd(widths[i] ?? 0) : value.padStart(widths[i] ?? 0);
    out.push(table.title);
    out.push(`  ${table.head.map(cell).join('  ').trimEnd()}`);
    for (const row of table.rows) out.push(`  ${row.map(cell).join('  ').trimEnd()}`);
    out.push('');
  }
  return out.join('\n');
}

/**
 * The same tables in Markdown; `only` keeps the tables whose title starts with one of its entries
 * (the project README shows S1, S3, S4 and the goals; bench/README.md everything).
 */
export function renderMarkdown(results: BenchResults, only?: readonly string[]): string {
  const out = [`\`${machineLine(results.machine)}\``, ''];
  const wanted = (title: string): boolean => only === undefined || only.some((o) => title.startsWith(o));
  for (const raw of buildTables(results).filter((t) => wanted(t.title))) {
    out.push(`**${raw.title}**`, '', ...markdownTable(dropEmptyColumns(raw)), '');
  }
  out.push(`\`${results.headline}\``);
  return out.join('\n');
}

/**
 * A table's Markdown lines, padded the way the project's formatter (Biome) leaves them, so a run
 * that rewrites the READMEs leaves `npm run lint` passing: numeric columns right-aligned, every
 * column at least 3 wide.
 */
function markdownTable(table: Table): string[] {
  const escapeCell = (s: string): string => s.replace(/\|/g, '\\|');
  const head = table.head.map(escapeCell);
  const rows = table.rows.map((row) => head.map((_, i) => escapeCell(row[i] ?? '')));
  const numeric = head.map((_, i) => i > 0 && table.rows.every((r) => /^[\d,.×n/a—-]*$/.test(r[i] ?? '')));
  const length = (s: string): number => [...s].length;
  const widths = head.map((h, i) => Math.max(3, length(h), ...rows.map((r) => length(r[i] ?? ''))));
  const pad = (s: string, i: number): string => {
    const fill = ' '.repeat((widths[i] ?? 0) - length(s));
    return numeric[i] ? fill + s : s + fill;
  };
  const line = (cells: readonly string[]): string => `| ${cells.map(pad).join(' | ')} |`;
  const rule = widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)));
  return [line(head), `| ${rule.join(' | ')} |`, ...rows.map(line)];
}
