// Tool calls made while a cancelled run salvages its round in progress. The runner gives a cancelled
// step 7.5 s between SIGINT and SIGTERM and 2.5 s more before it kills it, and the upload of every
// sample must fit in that: each call is capped at 2 s, a read may return a whole round's rows (the
// default 1 MiB spawnSync buffer holds only about 20 000), and deletes are started and left to
// finish on their own (the ledger keeps them, so teardown or the post step deletes again if needed).
import { spawn, spawnSync } from 'node:child_process';

export const SALVAGE_CALL_MS = 2000;
/** Room for a round of rows as the loadgen prints them (about 50 bytes a row). */
export const SALVAGE_MAX_BUFFER = 256 << 20;

/** Runs ARGV synchronously within SALVAGE_CALL_MS; its stdout ('' when it failed or timed out). */
export function salvageRead(argv: string[]): string {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: SALVAGE_CALL_MS, maxBuffer: SALVAGE_MAX_BUFFER });
  return r.stdout ?? '';
}

/** Starts ARGV without waiting for it; it outlives this process (its own process group). */
export function salvageStart(argv: string[]): void {
  try {
    spawn(argv[0], argv.slice(1), { detached: true, stdio: 'ignore' }).on('error', () => {}).unref();
  } catch {
    // The delete is best effort here: the ledger still lists what it would have removed.
  }
}

/**
 * A local pod's removal: podman takes 1-3 s for `pod rm -f`, and killed at 2 s it leaves the pod
 * behind. 5 s still fits the runner's grace after a 2 s read.
 */
export const SALVAGE_REMOVE_MS = 5000;

/** Runs ARGV synchronously within TIMEOUT_MS (default SALVAGE_CALL_MS); true when it exited 0. */
export function salvageRun(argv: string[], timeoutMs = SALVAGE_CALL_MS): boolean {
  return spawnSync(argv[0], argv.slice(1), { stdio: 'ignore', timeout: timeoutMs }).status === 0;
}
