// The replay builder's persistent round effects: on a slot, the offset lands on whichever arm the
// round's coin started first; on the arm, always on the candidate.
import { describe, expect, it } from 'vitest';
import { firstStarted } from '../../src/experiment/schedule';
import { buildReplay } from '../../src/study/replay-builder';

const trace = Float64Array.from({ length: 4000 }, (_, i) => 10_000 + ((i * 7919) % 1000));
const spec = { start: 0, requestsPerRound: 400, seed: 9, effect: 0, instanceSd: 0 };

/** Per round: latency over the trace's value, for each arm (1 = untouched). */
function factors(on: 'slot' | 'arm') {
  return buildReplay(trace, { ...spec, persistent: { size: 0.05, stay: 1, on } }).map((r) => {
    const f = { baseline: new Set<number>(), candidate: new Set<number>() };
    r.arm.forEach((a, i) => f[a ? 'candidate' : 'baseline'].add(Math.round((r.latencyNs[i]! / trace[r.round * 400 + i]!) * 100) / 100));
    return { round: r.round, baseline: [...f.baseline], candidate: [...f.candidate] };
  });
}

describe('buildReplay, persistent offsets', () => {
  it("on the slot: the first-started instance carries it, whichever arm that is; stay 1 keeps one sign", () => {
    const rows = factors('slot');
    expect(rows.length).toBe(10);
    const firsts = rows.map((r) => firstStarted(9, r.round));
    expect(new Set(firsts).size).toBe(2);
    const offset = rows.map((r) => (firsts[r.round] === 'candidate' ? r.candidate : r.baseline));
    expect(new Set(offset.flat()).size).toBe(1);
    expect([0.95, 1.05]).toContain(offset[0]![0]);
    rows.forEach((r) => expect(firsts[r.round] === 'candidate' ? r.baseline : r.candidate).toEqual([1]));
  });
  it('on the arm: the candidate carries it in every round', () => {
    const rows = factors('arm');
    expect(new Set(rows.flatMap((r) => r.candidate)).size).toBe(1);
    rows.forEach((r) => expect(r.baseline).toEqual([1]));
  });
});
