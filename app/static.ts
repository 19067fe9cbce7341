/** @module The reference app's stylesheet, served from memory at /static/style.css. */

/** A small, clean stylesheet; no external fonts or scripts (the CSP allows only 'self'). */
export const stylesheet = `
:root { color-scheme: light dark; --accent: #2f6f4f; --muted: #6b7280; font-family: system-ui, sans-serif; }
body { margin: 0; line-height: 1.5; }
header { display: flex; align-items: center; justify-content: space-between; padding: 0.75rem 1.5rem; border-bottom: 1px solid #8883; }
header .brand { font-weight: 700; text-decoration: none; color: var(--accent); font-size: 1.2rem; }
nav { display: flex; gap: 1rem; align-items: center; }
main { max-width: 40rem; margin: 2rem auto; padding: 0 1.5rem; }
.card { border: 1px solid #8884; border-radius: 0.5rem; padding: 1.25rem; display: grid; gap: 0.75rem; }
label { display: grid; gap: 0.25rem; }
input { font: inherit; padding: 0.4rem 0.5rem; border: 1px solid #8886; border-radius: 0.3rem; }
button { font: inherit; padding: 0.4rem 0.9rem; border: 0; border-radius: 0.3rem; background: var(--accent); color: white; cursor: pointer; }
form.inline { display: inline; }
.messages { list-style: none; padding: 0; }
.message { padding: 0.6rem 0.9rem; border-radius: 0.3rem; background: #2f6f4f22; margin-bottom: 0.5rem; }
.message.error { background: #b91c1c22; }
.error { color: #b91c1c; }
.user { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid #8883; }
`;
