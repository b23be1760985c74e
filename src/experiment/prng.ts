// A small, seeded, deterministic PRNG for the experiment design (schedules, request mix).
//
// Generator: xoshiro128** 1.1 by David Blackman and Sebastiano Vigna, "Scrambled linear pseudorandom
// number generators", ACM TOMS 47(4), 2021 (reference C: https://prng.di.unimi.it/xoshiro128starstar.c).
// Seeding: the 128-bit state is filled from a 32-bit seed with splitmix32 — a Weyl sequence
// (increment 0x9e3779b9) finalised by MurmurHash3's fmix32 avalanche, the 32-bit analogue of
// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014) —
// as Vigna recommends, so that nearby seeds give unrelated streams.
// Not cryptographic; it only has to be reproducible from the recorded seed and free of obvious bias.


/** MurmurHash3 fmix32: a bijective avalanche on 32-bit integers. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function toSeed32(seed: number, what: string): number {
  if (!Number.isInteger(seed)) throw new RangeError(`${what} must be an integer, got ${seed}`);
  // Two's complement wrap: negative and > 2^32 integers map onto 32 bits deterministically.
  return Number(BigInt.asUintN(32, BigInt(seed)));
}

/** splitmix32 step: returns [output, next state]. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) >>> 0;
  return [fmix32(next), next];
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** @param seed any integer; only its low 32 bits matter. */
  constructor(seed: number) {
    let st = toSeed32(seed, 'seed');
    let out: number;
    [out, st] = splitmix32(st);
    this.s0 = out;
    [out, st] = splitmix32(st);
    this.s1 = out;
    [out, st] = splitmix32(st);
    this.s2 = out;
    [out, st] = splitmix32(st);
    this.s3 = out;
    // The all-zero state is the one fixed point of xoshiro; splitmix32 practically never yields it.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 0x9e3779b9;
  }

  /** A generator with an explicit 128-bit state (not all zero); for known-answer tests. */
  static fromState(s0: number, s1: number, s2: number, s3: number): Prng {
    if (((s0 | s1 | s2 | s3) >>> 0) === 0) throw new RangeError('xoshiro128** state must not be all zero');
    const g = new Prng(0);
    g.s0 = s0 >>> 0;
    g.s1 = s1 >>> 0;
    g.s2 = s2 >>> 0;
    g.s3 = s3 >>> 0;
    return g;
  }

  /** Next uniformly distributed unsigned 32-bit integer. */
  nextU32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ s0) >>> 0;
    this.s3 = (this.s3 ^ s1) >>> 0;
    this.s1 = (s1 ^ this.s2) >>> 0;
    this.s0 = (s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 32 bits of resolution. */
  nextFloat(): number {
    return this.nextU32() / 4294967296;
  }

  /** A fair coin: 0 or 1 (the top bit, the best-scrambled one). */
  nextBit(): 0 | 1 {
    return (this.nextU32() >>> 31) as 0 | 1;
  }

  /** Uniform integer in [0, n) for 1 <= n <= 2^32 (rejection sampling, no modulo bias). */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) throw new RangeError(`nextInt: bad bound ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }
}

/**
 * The seed of an independent stream for one round (and optionally one purpose within the round,
 * e.g. 0 = pair schedule, 1 = request mix). Each step is a bijection (xor with an odd multiple,
 * then fmix32), so for a fixed seed, distinct rounds (mod 2^32) give distinct seeds, and likewise
 * distinct streams within a round.
 */
export function deriveSeed(seed: number, round: number, stream = 0): number {
  let h = fmix32(toSeed32(seed, 'seed') ^ 0x243f6a88);
  h = fmix32((h ^ Math.imul(toSeed32(round, 'round'), 0x9e3779b9)) >>> 0);
  h = fmix32((h ^ Math.imul(toSeed32(stream, 'stream'), 0x85ebca6b) ^ 0x13198a2e) >>> 0);
  return h >>> 0;
}

/** Streams used within a round; fixed so a recorded seed reproduces the same design. */
export const STREAM = { schedule: 0, mix: 1, warmupMix: 2, startOrder: 3 } as const;
