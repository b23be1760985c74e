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
  it('holds one baseline and one candidate in every pair', () => {
    const s = pairSchedule(99, 3, 5000);
    expect(s).toBeInstanceOf(Uint8Array);
    expect(s.length).toBe(10_000);
    for (let k = 0; k < 5000; k++) expect(s[2 * k]! + s[2 * k + 1]!).toBe(1);
  });

  it('gives the candidate the first slot about half the time (within 3 SE over 10 000 pairs)', () => {
    for (const seed of [1, 2, 3]) {
      const pairs = 10_000;
      const s = pairSchedule(seed, 0, pairs);
      let first = 0;
      for (let k = 0; k < pairs; k++) first += s[2 * k]!;
      expect(Math.abs(first / pairs - 0.5)).toBeLessThan(3 * Math.sqrt(0.25 / pairs));
    }
  });

  it('has no strong serial dependence between consecutive coin flips', () => {
    const pairs = 10_000;
    const s = pairSchedule(5, 0, pairs);
    let same = 0;
    for (let k = 1; k < pairs; k++) same += s[2 * k] === s[2 * k - 2] ? 1 : 0;
    expect(Math.abs(same / (pairs - 1) - 0.5)).toBeLessThan(3 * Math.sqrt(0.25 / (pairs - 1)));
  });

  it('is deterministic per (seed, round); rounds and seeds differ', () => {
    expect(pairSchedule(11, 4, 1000)).toEqual(pairSchedule(11, 4, 1000));
    expect(pairSchedule(11, 4, 1000)).not.toEqual(pairSchedule(11, 5, 1000));
    expect(pairSchedule(11, 4, 1000)).not.toEqual(pairSchedule(12, 4, 1000));
    // A longer schedule extends a shorter one (the same stream).
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
