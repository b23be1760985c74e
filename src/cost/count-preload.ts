// Calls per request without ptrace: the SUT runs with our counting preload in front of the user's
// hook (LD_PRELOAD=count.so:hook.so); SIGUSR2 makes it write its totals. Snapshots taken after the
// SUT is ready and after the requests bracket exactly the driven requests, so start-up and shutdown
// calls are not charged to them (strace -c cannot separate those).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunError } from '../errors';
import { ensureTarget, packageRoot } from '../native';
import { parseCountFile, perRequestBetween, type CallTotals } from './count-file';
import { wrappedByGate } from './wrapped';

export const COUNT_FILE_ENV = 'HOOK_LATENCY_COUNT_FILE';
/** Sequential requests of the counting instance: enough that a call made every few requests shows. */
export const COUNT_REQUESTS = 400;
/** What is counted when there is no hook (strace's defaults on local). */
export const UNHOOKED_FUNCTIONS = ['read', 'recv', 'accept', 'close'];

export function countPreloadPath(root = packageRoot()): string {
  return path.join(root, 'hook', 'build', 'count.so');
}

/** count.so's path, building it with `make -C hook hooks` when it is missing. */
export function ensureCountPreload(root = packageRoot()): Promise<string> {
  return ensureTarget(countPreloadPath(root), 'the counting preload', 'hooks', root);
}

/** LD_PRELOAD for the counting instance: the counter first, so it sees every call before the hook. */
export function countingPreload(countSo: string, hook?: string): string {
  return hook ? `${countSo}:${hook}` : countSo;
}

/**
 * Asks the process to write its totals (`signal` delivers SIGUSR2 to it, however the runtime
 * reaches it) and waits for the complete file.
 */
export async function snapshotCounts(file: string, signal: () => void | Promise<void>, timeoutMs = 5000): Promise<CallTotals> {
  rmSync(file, { force: true });
  await signal();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(file)) {
      const totals = parseCountFile(readFileSync(file, 'utf8'));
      if (totals) return totals;
    }
    await sleep(10);
  }
  throw new RunError(
    `the counting preload wrote no counts to ${file} within ${timeoutMs} ms of SIGUSR2 (does the SUT replace the SIGUSR2 handler, or is it statically linked?)`,
  );
}

/**
 * The functions to count with the preload for a gate (all it can count of those the hook or the
 * base-branch hook wraps; the defaults without a hook), or why it cannot count any of them.
 */
export function preloadFunctions(hooks: { hook?: string; baselineHook?: string }): { functions: string[]; uncounted: string[] } | { unavailable: string } {
  const { hook } = hooks;
  if (!hook) return { functions: UNHOOKED_FUNCTIONS, uncounted: [] };
  const w = wrappedByGate(hooks);
  if (w.countable.length === 0) {
    return { unavailable: `the counting preload counts none of the functions ${path.basename(hook)} wraps${w.uncountable.length ? ` (${w.uncountable.join(', ')})` : ''}` };
  }
  return { functions: w.countable, uncounted: w.uncountable };
}

/** One counting instance as a runtime runs it. */
export interface CountingInstance {
  /** Delivers SIGUSR2 to the SUT process. */
  signal(): void | Promise<void>;
  stop(): Promise<void>;
}

export interface PreloadCountOptions {
  /** The functions to report (the hook's countable wrapped functions). */
  functions: string[];
  /** Where the instance's preload writes its totals (as this process sees the file). */
  file: string;
  /** The instance, started with the counting preload and ready for requests. */
  instance: CountingInstance;
  /** Drives N requests against the instance, returns N. */
  drive: () => Promise<number>;
}

/** Calls per request of each function, counted by the preload around the driven requests. */
export async function countWithPreload(opts: PreloadCountOptions): Promise<{ perRequest: Record<string, number>; requests: number }> {
  try {
    const before = await snapshotCounts(opts.file, () => opts.instance.signal());
    const requests = await opts.drive();
    const after = await snapshotCounts(opts.file, () => opts.instance.signal());
    return { perRequest: perRequestBetween(before, after, opts.functions, requests), requests };
  } finally {
    await opts.instance.stop();
    rmSync(opts.file, { force: true });
  }
}
