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

describe('buildReplay, order effects', () => {
  /** Per request of the first round: latency over the trace's value. */
  const ratios = (order: NonNullable<Parameters<typeof buildReplay>[1]['order']>) => {
    const r = buildReplay(trace, { ...spec, order })[0]!;
    return { arm: r.arm, f: Array.from(r.latencyNs, (v, i) => v / trace[i]!) };
  };
  it('carryover: the request after a candidate request is slower, whatever its arm', () => {
    const { arm, f } = ratios({ carryover: 0.1 });
    for (let i = 1; i < arm.length; i++) expect(f[i]).toBeCloseTo(arm[i - 1] === 1 ? 1.1 : 1, 3);
    // With a coin per pair both arms have requests after a candidate one.
    const carried = (a: number) => f.filter((_, i) => i > 0 && arm[i] === a && arm[i - 1] === 1).length;
    expect(carried(0)).toBeGreaterThan(0);
    expect(carried(1)).toBeGreaterThan(0);
  });
  it('every other request (odd seq) is slower; drift rises from 0 to its size over the round', () => {
    const odd = ratios({ everyOther: 0.2 }).f;
    odd.forEach((x, i) => expect(x).toBeCloseTo(i % 2 ? 1.2 : 1, 3));
    const drift = ratios({ drift: 0.1 }).f;
    expect(drift[0]).toBeCloseTo(1, 3);
    expect(drift[399]).toBeCloseTo(1.1, 3);
    expect(drift[200]).toBeCloseTo(1 + (0.1 * 200) / 399, 3);
  });
});
