// The `placement` check: did both arms run on the same CPUs (sampled from /proc during each round),
// and was anything pinned at all (src/runtime/placement.ts)?
import type { Check, PlacementReport } from '../types';

/** The `placement` check: pass when every sampled moment found both arms on the same CPUs. */
export function placementCheck(report: PlacementReport): Check {
  const observed = report.rounds.filter((r) => r.samples > 0);
  const bad = observed.filter((r) => r.differing > 0);
  const pinned = report.mode === 'off' ? 'not pinned (placement: off)' : `${report.mode}: loadgen on CPU ${report.pinned.loadgen}, both SUT arms on CPU ${report.pinned.sut}`;
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
