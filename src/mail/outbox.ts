/**
 * @module Work that must not hold up a response: looking up who asked for a reset and sending the
 * mail. Done after the response, the answer takes the same time whether or not an account
 * exists (no enumeration by timing), and a slow or dead mail server costs the user nothing: its
 * failure is logged, never shown (OWASP Forgot Password Cheat Sheet: "consistent messages and
 * response times").
 */
import type { Logger } from '../core/logger.js';
import type { Mailer } from './mailer.js';

/** Error fields safe to log: codes, never the message (it may quote a recipient). */
function describeFailure(error: unknown): Record<string, unknown> {
  const e = error as { name?: unknown; code?: unknown; responseCode?: unknown; command?: unknown };
  return {
    error: typeof e?.name === 'string' ? e.name : 'Error',
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(typeof e?.responseCode === 'number' ? { responseCode: e.responseCode } : {}),
    ...(typeof e?.command === 'string' ? { command: e.command } : {}),
  };
}

/**
 * A mailer with a queue of deferred jobs.
 * @example
 * const outbox = new Outbox(createMailer(settings), logger);
 * outbox.defer('password_reset', async () => outbox.mailer.send(message));
 * await outbox.close(); // at shutdown: waits for pending jobs, then closes the mailer
 */
export class Outbox {
  readonly mailer: Mailer;
  readonly #logger: Logger;
  readonly #pending = new Set<Promise<void>>();

  constructor(mailer: Mailer, logger: Logger) {
    this.mailer = mailer;
    this.#logger = logger;
  }

  /** Runs `job` soon, outside the request; a failure is logged as `mail.job_failed` with `label`. */
  defer(label: string, job: () => Promise<void>): void {
    const run = (async () => {
      // Yield first, so the request's own work (and its response) never waits for the job.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await job();
    })().catch((error: unknown) => {
      this.#logger.log('error', 'mail.job_failed', {
        job: label,
        backend: this.mailer.backend,
        ...describeFailure(error),
      });
    });
    this.#pending.add(run);
    void run.finally(() => this.#pending.delete(run));
  }

  /** How many jobs have not finished yet. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Resolves when every job deferred so far (and any they defer) has finished. */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Waits for pending jobs, then closes the mailer. */
  async close(): Promise<void> {
    await this.drain();
    await this.mailer.close();
  }
}
