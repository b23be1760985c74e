// The `placement` check: did both arms run on the same CPUs (sampled from /proc during each round),
// and was anything pinned at all (src/runtime/placement.ts)?
import type { Check, PlacementReport } from '../types';

/** The `placement` check: pass when every sampled moment found both arms on the same CPUs. */
export function placementCheck(report: PlacementReport): Check {
  const observed = report.rounds.filter((r) => r.samples > 0);
  const bad = observed.filter((r) => r.differing > 0);
  const cpu = (spec: string | null) => describeCpus(spec, report.allowed);
  const pinned = report.mode === 'off' ? 'not pinned (placement: off)' : `${report.mode}: loadgen on ${cpu(report.pinned.loadgen)}, both SUT arms on ${cpu(report.pinned.sut)}`;
  if (bad.length > 0) {
    const samples = bad.reduce((s, r) => s + r.differing, 0);
    const total = observed.reduce((s, r) => s + r.samples, 0);
    return {
      id: 'placement',
      status: 'warn',
      detail: `the arms ran on different CPUs in ${bad.length} of ${observed.length} rounds (${samples} of ${total} samples); ${pinned}. Their latencies may differ by placement, not by the hook`,
    };
  }
  if (report.mode === 'off' || report.note) {
    return { id: 'placement', status: 'warn', detail: `${pinned}${report.note ? `; ${report.note}` : ''}` };
  }
  const seen = observed.length ? `; both arms seen on the same CPUs in all ${observed.length} rounds` : '; where the arms ran was not observed on this runtime';
  return { id: 'placement', status: 'pass', detail: `${pinned}${seen}` };
}

/** "3" -> "CPU 3"; "@-1" -> "CPU 1 (the last allowed)" when the allowed set is known. */
export function describeCpus(spec: string | null, allowed?: number[]): string {
  if (spec === null) return 'no CPU';
  const m = /^@(-?\d+)$/.exec(spec);
  if (!m) return `CPU ${spec}`;
  const n = Number(m[1]);
  const which = n === -1 ? 'the last allowed CPU' : n === -2 ? 'the last but one allowed CPU' : `allowed CPU #${n}`;
  const i = n < 0 ? (allowed?.length ?? 0) + n : n;
  return allowed && i >= 0 && i < allowed.length ? `CPU ${allowed[i]} (${which})` : which;
}
