// Recommendation 8: a CPU-throttled or memory-starved SUT container measures the limit, not the hook.
import type { Check } from '../types';

/** `nr_throttled` etc. from a cgroup cpu.stat file (v1 and v2 share these keys). */
export function parseCpuStat(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

export interface ThrottleSample {
  container: string;
  /** nr_throttled at the start of the round (0 for a fresh container when not read). */
  before?: number;
  /** nr_throttled at the end of the round; undefined when not readable. */
  after?: number;
}

export function cpuThrottlingCheck(samples: ThrottleSample[], round: number): Check {
  const measured = samples.filter((s) => s.after !== undefined);
  if (measured.length === 0) {
    return { id: 'cpu-throttling', status: 'pass', detail: 'not measured (the SUT containers\' cgroup cpu.stat was not readable)' };
  }
  const grew = measured
    .map((s) => ({ c: s.container, d: (s.after as number) - (s.before ?? 0) }))
    .filter((x) => x.d > 0);
  if (grew.length === 0) {
    return { id: 'cpu-throttling', status: 'pass', detail: `no CPU throttling in ${measured.map((s) => s.container).join(', ')}` };
  }
  return {
    id: 'cpu-throttling',
    status: 'warn',
    detail: `round ${round}: CPU throttled (cgroup nr_throttled grew: ${grew.map((x) => `${x.c} +${x.d}`).join(', ')}); raise the cpu limit or drop it`,
  };
}

export interface MemorySample {
  container: string;
  /** Peak (or current) usage and the limit, bytes; limit undefined = unlimited. */
  usage?: number;
  limit?: number;
}

export function memoryLimitCheck(samples: MemorySample[], round: number, nearFraction = 0.9): Check {
  const limited = samples.filter((s) => s.usage !== undefined && s.limit !== undefined && s.limit > 0);
  if (limited.length === 0) {
    return { id: 'memory-limit', status: 'pass', detail: 'no memory limit set (or usage not readable)' };
  }
  const near = limited.filter((s) => (s.usage as number) >= nearFraction * (s.limit as number));
  if (near.length === 0) {
    const max = Math.max(...limited.map((s) => (s.usage as number) / (s.limit as number)));
    return { id: 'memory-limit', status: 'pass', detail: `SUT memory at most ${(max * 100).toFixed(0)} % of its limit` };
  }
  return {
    id: 'memory-limit',
    status: 'warn',
    detail: `round ${round}: ${near.map((s) => `${s.container} at ${(((s.usage as number) / (s.limit as number)) * 100).toFixed(0)} %`).join(', ')} of the memory limit`,
  };
}

/** A "max" or huge v1 value (no limit) -> undefined. */
export function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === '' || t === 'max' || !/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return n >= 2 ** 62 ? undefined : n;
}
