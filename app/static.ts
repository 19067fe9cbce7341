/**
 * @module The reference app's static files, served from memory under /static/: the stylesheet, the
 * favicon, and the one script (local times). Nothing external: the CSP allows only 'self' and the
 * response's nonce.
 */

/** A small, clean stylesheet that works from phone to desktop widths; no external fonts. */
export const stylesheet = `
:root { color-scheme: light dark; --accent: #2f6f4f; --accent-soft: #2f6f4f1f; --danger: #b91c1c; --muted: #6b7280; --line: #8884; font-family: system-ui, sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; line-height: 1.5; }
header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem 1rem; padding: 0.75rem 1.5rem; border-bottom: 1px solid var(--line); }
header .brand { display: inline-flex; align-items: center; gap: 0.4rem; font-weight: 700; text-decoration: none; color: var(--accent); font-size: 1.2rem; }
header .brand img { width: 1.4rem; height: 1.4rem; }
nav { display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; align-items: center; }
a { color: var(--accent); }
main { max-width: 42rem; margin: 2rem auto; padding: 0 1.25rem; }
h1 { margin: 0 0 1rem; font-size: 1.6rem; }
.card { border: 1px solid var(--line); border-radius: 0.5rem; padding: 1.25rem; display: grid; gap: 0.75rem; }
.card > p { margin: 0; }
label { display: grid; gap: 0.25rem; font-weight: 500; }
input { font: inherit; padding: 0.45rem 0.6rem; border: 1px solid #8886; border-radius: 0.3rem; }
button { font: inherit; padding: 0.45rem 1rem; border: 0; border-radius: 0.3rem; background: var(--accent); color: white; cursor: pointer; }
button.secondary { background: transparent; color: var(--accent); border: 1px solid var(--accent); }
button.danger { background: var(--danger); }
.actions { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; }
form.inline { display: inline; margin: 0; }
.messages { list-style: none; padding: 0; margin: 0 0 1rem; }
.message { padding: 0.6rem 0.9rem; border-radius: 0.3rem; background: var(--accent-soft); margin-bottom: 0.5rem; }
.message.error { background: #b91c1c22; }
.error { color: var(--danger); margin: 0; }
.muted, .user { color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.35rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
ul.sessions { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.75rem; }
li.session { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: 0.5rem 1rem; padding: 0.75rem 1rem; border: 1px solid var(--line); border-radius: 0.5rem; }
li.session.current { border-color: var(--accent); background: var(--accent-soft); }
li.session .device { font-weight: 600; overflow-wrap: anywhere; }
li.session .meta { margin: 0.15rem 0 0; color: var(--muted); font-size: 0.92rem; }
.badge { display: inline-block; margin-left: 0.5rem; padding: 0.05rem 0.5rem; border-radius: 1rem; background: var(--accent); color: white; font-size: 0.8rem; font-weight: 600; vertical-align: middle; }
time { text-decoration: underline dotted #8888; }
ul.cart { margin: 0; }
form.stack { display: grid; gap: 0.75rem; justify-items: start; }
form.stack label, form.stack input { width: 100%; }
@media (max-width: 32rem) {
  header { padding: 0.6rem 1rem; }
  nav { gap: 0.3rem 0.75rem; font-size: 0.95rem; }
  nav button { padding: 0.25rem 0.7rem; }
  main { margin-top: 1.25rem; }
}
`;

/** The favicon: a key in the app's green (SVG; every current browser takes it). */
export const favicon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="7" fill="#2f6f4f"/>
<circle cx="12" cy="16" r="6" fill="none" stroke="#fff" stroke-width="3"/>
<path d="M18 16h10M24 16v5M28 16v4" stroke="#fff" stroke-width="3" stroke-linecap="round"/>
</svg>
`;

/**
 * Shows each time in the reader's own time zone and language, which the server cannot know: the
 * `title` of every `<time datetime>` becomes the full local date, and each `[data-local-time]`
 * shows the short one. Without scripts, the page keeps the server's UTC text.
 */
export const localTimeScript = `'use strict';
(() => {
  const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
  const short = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const read = (value) => {
    const date = new Date(value ?? '');
    return Number.isNaN(date.getTime()) ? null : date;
  };
  for (const element of document.querySelectorAll('time[datetime]')) {
    const date = read(element.getAttribute('datetime'));
    if (date !== null) element.title = full.format(date);
  }
  for (const element of document.querySelectorAll('[data-local-time]')) {
    const date = read(element.getAttribute('data-local-time'));
    if (date !== null) element.textContent = short.format(date);
  }
  document.documentElement.dataset.localTimes = 'shown';
})();
`;
