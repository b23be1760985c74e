// The counting preload's snapshot file (hook/count.c): "name count" lines, then "end".
import { RunError } from '../errors';

export type CallTotals = Record<string, number>;

/** The totals of a complete snapshot; null while it is incomplete (no "end" line yet). */
export function parseCountFile(text: string): CallTotals | null {
  const lines = text.split('\n');
  if (!lines.includes('end')) return null;
  const out: CallTotals = {};
  for (const line of lines) {
    if (line === '' || line === 'end') continue;
    const m = /^([a-z_][a-z0-9_]*) (\d+)$/.exec(line);
    if (!m) throw new RunError(`the counting preload wrote an unreadable line: ${JSON.stringify(line)}`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** Calls per request of each function between two snapshots taken around `requests` requests. */
export function perRequestBetween(before: CallTotals, after: CallTotals, functions: string[], requests: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const fn of functions) out[fn] = ((after[fn] ?? 0) - (before[fn] ?? 0)) / requests;
  return out;
}
