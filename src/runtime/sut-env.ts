// The environment of every process that runs the hook under test (SUT instances, the counting
// instance, the micro driver). The hook is code from the pull request: it must not see the runner's
// environment, which holds the Action's inputs (INPUT_GITHUB-TOKEN), ACTIONS_RUNTIME_TOKEN and
// whatever secrets earlier steps exported. It gets an allowlist: what a program needs to find its
// tools and format its text, then the user's `sut.env` (chosen explicitly in the config).

/** Variables passed on by name. */
const PASSED = new Set(['PATH', 'HOME', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR']);
/** Locale categories (LC_ALL, LC_CTYPE, ...). */
const LOCALE = /^LC_[A-Z_]+$/;

export function sutEnvironment(userEnv: Record<string, string> = {}, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(from)) {
    if (v !== undefined && (PASSED.has(k) || LOCALE.test(k))) env[k] = v;
  }
  return { ...env, ...userEnv };
}
