// Which functions a hook wraps: those it exports that libc exports too (an LD_PRELOAD hook interposes
// libc functions by defining them). Of those, the counting preload (hook/count.c) counts COUNTABLE.
import { readFileSync } from 'node:fs';
import { exportedFunctionsOf } from './elf-symbols';

/** The functions hook/count.c wraps, in its order. */
export const COUNTABLE = [
  'read', 'readv', 'recv', 'recvfrom', 'recvmsg', 'write', 'writev', 'send', 'sendto', 'sendmsg',
  'accept', 'accept4', 'connect', 'close', 'epoll_wait', 'epoll_pwait', 'poll', 'open', 'openat',
] as const;

export interface WrappedFunctions {
  /** Exported by the hook and by libc, sorted. */
  wrapped: string[];
  /** Of those, the ones the counting preload counts. */
  countable: string[];
  /** Wrapped but not countable by the preload. */
  uncountable: string[];
}

export function classifyWrapped(hookExports: string[], libcExports: ReadonlySet<string>): WrappedFunctions {
  const wrapped = hookExports.filter((f) => libcExports.has(f)).sort();
  const countable = wrapped.filter((f) => (COUNTABLE as readonly string[]).includes(f));
  return { wrapped, countable, uncountable: wrapped.filter((f) => !countable.includes(f)) };
}

export function wrappedFunctions(hook: string, libc = libcPath()): WrappedFunctions {
  return classifyWrapped(exportedFunctionsOf(hook), new Set(exportedFunctionsOf(libc)));
}

/**
 * The functions a gate compares: those the hook wraps and, in a regression gate, those the
 * base-branch hook wraps too - a function the PR stopped wrapping costs (or saves) as much as one
 * it started to wrap.
 */
export function wrappedByGate(hooks: { hook?: string; baselineHook?: string }, libc = libcPath()): WrappedFunctions {
  const exports = [hooks.hook, hooks.baselineHook].filter((h): h is string => Boolean(h)).flatMap((h) => exportedFunctionsOf(h));
  return classifyWrapped([...new Set(exports)], new Set(exportedFunctionsOf(libc)));
}

export type WrappedBy = 'both' | 'hook only' | 'baseline hook only';

/** Per function of a hook-vs-hook gate: which of the two hooks wraps it. */
export function wrappedByEach(fns: string[], hook: string[], baselineHook: string[]): Record<string, WrappedBy> {
  const out: Record<string, WrappedBy> = {};
  for (const fn of fns) {
    const inHook = hook.includes(fn);
    const inBase = baselineHook.includes(fn);
    if (inHook || inBase) out[fn] = inHook && inBase ? 'both' : inHook ? 'hook only' : 'baseline hook only';
  }
  return out;
}

/** The libc this process runs on (the same the SUT's loader picks on this host), from /proc/self/maps. */
export function libcPath(): string {
  const maps = readFileSync('/proc/self/maps', 'utf8');
  const m = /\s(\/\S*\/libc(?:\.so\.6|-[\d.]+\.so))$/m.exec(maps);
  if (!m) throw new Error('no libc.so.6 mapped into this process');
  return m[1]!;
}
