// Two kinds of failure with their own exit codes (see docs/contracts.md):
// bad usage or input -> 2, a run that failed while measuring -> 3.

/** Bad usage or bad input: one clear line, exit code 2, no stack trace. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** The run itself failed (SUT crashed, hook not loaded, cluster error): exit code 3. */
export class RunError extends Error {
  readonly exitCode = 3;
}

export const EXIT = { ok: 0, regression: 1, usage: 2, runFailed: 3 } as const;

export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError) return EXIT.usage;
  if (err instanceof RunError) return EXIT.runFailed;
  return EXIT.runFailed;
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** A run failure that still carries the samples of the round it interrupted. */
export class RoundFailedError extends RunError {
  constructor(
    message: string,
    readonly partial: import('./types').RoundData | null,
  ) {
    super(message);
  }
}
