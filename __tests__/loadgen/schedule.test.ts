import { describe, expect, it } from 'vitest';
import { Prng, STREAM, deriveSeed } from '../../src/experiment/prng';
import { firstStarted, pairSchedule, slotPorts, warmupSchedule } from '../../src/experiment/schedule';

describe('Prng (xoshiro128**)', () => {
  it('matches the reference C implementation from state {1,2,3,4}', () => {
    // Values from Blackman & Vigna's xoshiro128starstar.c compiled with gcc.
    const g = Prng.fromState(1, 2, 3, 4);
    const first = Array.from({ length: 8 }, () => g.nextU32());
    expect(first).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
    for (let i = 0; i < 992; i++) g.nextU32();
    expect(g.nextU32()).toBe(136054147);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const xa = Array.from({ length: 100 }, () => a.nextU32());
    const xb = Array.from({ length: 100 }, () => b.nextU32());
    const xc = Array.from({ length: 100 }, () => c.nextU32());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
    expect(() => new Prng(1.5)).toThrow(RangeError);
  });

  it('nextFloat is in [0,1) with mean ~1/2, nextBit is fair, nextInt is in range', () => {
    const g = new Prng(7);
    const n = 100_000;
    let sum = 0;
    let ones = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const x = g.nextFloat();
      if (!(x >= 0 && x < 1)) outside++;
      sum += x;
      ones += g.nextBit();
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(3 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(ones / n - 0.5)).toBeLessThan(3 * Math.sqrt(0.25 / n));
    for (let i = 0; i < 1000; i++) {
      const k = g.nextInt(3);
      expect(k === 0 || k === 1 || k === 2).toBe(true);
    }
  });

  it('deriveSeed gives distinct seeds per round and per stream', () => {
    const seeds = new Set<number>();
    for (let r = 0; r < 10_000; r++) seeds.add(deriveSeed(1234, r));
    expect(seeds.size).toBe(10_000);
    const s = deriveSeed(1234, 5);
    expect(deriveSeed(1234, 5, STREAM.mix)).not.toBe(s);
    expect(deriveSeed(1234, 5, STREAM.warmupMix)).not.toBe(deriveSeed(1234, 5, STREAM.mix));
    expect(deriveSeed(1235, 5)).not.toBe(s);
    expect(deriveSeed(1234, 5)).toBe(s);
    for (const v of seeds) expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true);
  });
});

describe('pairSchedule', () => {
  it('alternates strictly: one baseline and one candidate in every pair, no arm twice in a row', () => {
    const s = pairSchedule(99, 3, 5000);
    expect(s).toBeInstanceOf(Uint8Array);
    expect(s.length).toBe(10_000);
    for (let i = 1; i < s.length; i++) expect(s[i]).toBe(1 - s[i - 1]!);
  });

  it("the round's first-started arm leads, so the warm-up pairs run on into the recorded ones", () => {
    for (let round = 0; round < 200; round++) {
      const first = firstStarted(8, round);
      const joined = [...warmupSchedule(5, first), ...pairSchedule(8, round, 5)];
      expect(joined).toEqual([...warmupSchedule(10, first)]);
    }
  });

  it('gives the candidate the lead in about half the rounds (within 3 SE over 4 000 rounds)', () => {
    const rounds = 4000;
    let led = 0;
    for (let r = 0; r < rounds; r++) led += pairSchedule(3, r, 1)[0]!;
    expect(Math.abs(led / rounds - 0.5)).toBeLessThan(3 * Math.sqrt(0.25 / rounds));
  });

  it('is deterministic per (seed, round); a longer schedule extends a shorter one', () => {
    expect(pairSchedule(11, 4, 1000)).toEqual(pairSchedule(11, 4, 1000));
    const leads = (seed: number) => Array.from({ length: 64 }, (_, r) => pairSchedule(seed, r, 1)[0]);
    expect(leads(11)).not.toEqual(leads(12));
    expect(pairSchedule(11, 4, 2000).subarray(0, 2000)).toEqual(pairSchedule(11, 4, 1000));
    expect(pairSchedule(11, 4, 0).length).toBe(0);
    expect(() => pairSchedule(11, 4, -1)).toThrow(RangeError);
  });
});

describe('warmupSchedule', () => {
  it('alternates the arms, warmupPerArm each', () => {
    expect([...warmupSchedule(3)]).toEqual([0, 1, 0, 1, 0, 1]);
    expect(warmupSchedule(0).length).toBe(0);
  });
  it('the first-started arm leads each pair', () => {
    expect([...warmupSchedule(3, 'candidate')]).toEqual([1, 0, 1, 0, 1, 0]);
    expect([...warmupSchedule(2, 'baseline')]).toEqual([0, 1, 0, 1]);
  });
});

describe("the round's slots", () => {
  it('a fair coin per round: 2 000 rounds give 1 000 +- 3 s.d. baseline-first', () => {
    const baselineFirst = Array.from({ length: 2000 }, (_, r) => firstStarted(7, r)).filter((a) => a === 'baseline').length;
    expect(Math.abs(baselineFirst - 1000)).toBeLessThan(3 * Math.sqrt(500));
  });
  it('the first-started arm gets the lower port', () => {
    expect(slotPorts('baseline', 9000, 9001)).toEqual({ baseline: 9000, candidate: 9001 });
    expect(slotPorts('candidate', 9000, 9001)).toEqual({ baseline: 9001, candidate: 9000 });
  });
});
