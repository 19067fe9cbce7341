/**
 * @module The common-password list behind `CommonPasswordValidator`: the 49,233 passwords of the
 * zxcvbn-ts common dictionary (`@zxcvbn-ts/language-common`, compiled from breach corpora and
 * maintained with zxcvbn-ts), lower-cased, loaded on first use only (about 100 ms, then cached), so
 * an app that never sets a password never pays for it. NIST SP 800-63B section 3.1.1.2 asks that
 * new passwords be checked against such a blocklist.
 */

let loading: Promise<ReadonlySet<string>> | null = null;

async function load(): Promise<ReadonlySet<string>> {
  const { dictionary } = await import('@zxcvbn-ts/language-common');
  return new Set(dictionary['passwords-common'].map((password) => password.toLowerCase()));
}

/**
 * The common passwords, lower-cased. The first call loads the list; later calls share it.
 * @example
 * (await commonPasswords()).has('password'); // true
 */
export function commonPasswords(): Promise<ReadonlySet<string>> {
  loading ??= load().catch((error: unknown) => {
    // A failed load is retried by the next caller instead of being cached as a failure.
    loading = null;
    throw error;
  });
  return loading;
}

/**
 * Whether `password` is on the list, ignoring case and surrounding spaces (as Django's
 * `CommonPasswordValidator` compares `password.lower().strip()`).
 * @example
 * await isCommonPassword('Dragon'); // true
 */
export async function isCommonPassword(password: string): Promise<boolean> {
  return (await commonPasswords()).has(password.trim().toLowerCase());
}
