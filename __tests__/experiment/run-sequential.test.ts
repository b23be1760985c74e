// runSequential, the sequential controller, driven by a small in-memory Runtime: when it looks,
// when it stops, and what it hands to onRound / onLook. The rounds are synthetic: both arms get the
// same latencies (a shift of exactly zero, which can never be called a regression against a zero
// budget, nor bounded below it), or every candidate request is 50 % slower (a regression).
import { describe, expect, it } from 'vitest';
import { runSequential, type SequentialOptions } from '../../src/experiment/controller';
import type { Runtime, RoundOutcome } from '../../src/runtime/contract';
import { Prng } from '../../src/experiment/prng';
import type { RoundData } from '../../src/types';

const PAIRS = 20;

/** Round `index`: PAIRS baseline/candidate pairs, alternating, the candidate's latency times `factor`. */
function syntheticRound(index: number, factor: number): RoundData {
  const arm = new Uint8Array(2 * PAIRS);
  const latencyNs = new Float64Array(2 * PAIRS);
  for (let i = 0; i < PAIRS; i++) {
    // A stationary, irregular sequence around 1 ms.
    const v = 1_000_000 + ((i * 7919 + index * 104_729) % 997) * 100;
    arm[2 * i] = 0;
    arm[2 * i + 1] = 1;
    latencyNs[2 * i] = v;
    latencyNs[2 * i + 1] = Math.round(v * factor);
  }
  return { round: index, arm, seq: Float64Array.from(arm, (_, i) => i), latencyNs, startNs: null, status: null };
}

/** A Runtime that serves `rounds` synthetic rounds, then null; it logs every call. */
function fakeRuntime(rounds: number, factor: number, log: string[]): Runtime & { served: RoundData[] } {
  const served: RoundData[] = [];
  return {
    name: 'fake',
    served,
    async runRound(index: number): Promise<RoundOutcome | null> {
      log.push(`run ${index}`);
      if (index >= rounds) return null;
      const data = syntheticRound(index, factor);
      served.push(data);
      return { data };
    },
    async teardown() {},
  };
}

function options(log: string[], over: Partial<SequentialOptions>): SequentialOptions {
  return {
    threshold: { relative: 0 },
    mde: { relative: 0.025 },
    alpha: 0.05,
    power: 0.9,
    maxRequests: 1_000_000,
    maxDurationMs: Infinity,
    lookEvery: 3,
    // Far more rounds than any test serves: only a cap, the end of the data or a decision stops the run.
    minRounds: 1000,
    onRound: async (data) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      log.push(`round ${data.round}`);
    },
    onLook: (look) => log.push(`look ${look.look}`),
    ...over,
  };
}

describe('runSequential with an in-memory runtime', () => {
  it('looks every lookEvery rounds, awaits onRound before the next round, and stops at max-requests', async () => {
    const log: string[] = [];
    const runtime = fakeRuntime(1000, 1, log);
    // 10 rounds of 40 requests reach 400; a cap of 390 is reached by the 10th round, not before.
    const v = await runSequential(runtime, options(log, { maxRequests: 390 }));
    const expected: string[] = [];
    for (let i = 0; i < 10; i++) {
      expected.push(`run ${i}`, `round ${i}`);
      if (i % 3 === 2) expected.push(`look ${(i + 1) / 3}`);
    }
    expected.push('look 4');
    expect(log).toEqual(expected);
    expect(v.looks.map((l) => l.look)).toEqual([1, 2, 3, 4]);
    expect(v.looks[3].informationFraction).toBe(1);
    expect(v.verdict).not.toBe('regression');
    expect(v.n.baseline + v.n.candidate).toBeLessThanOrEqual(400);
  });

  it('hands onRound exactly the rounds the runtime returned, in order', async () => {
    const log: string[] = [];
    const runtime = fakeRuntime(1000, 1, log);
    const seen: RoundData[] = [];
    await runSequential(runtime, options(log, { maxRequests: 200, onRound: (d) => void seen.push(d) }));
    expect(seen).toHaveLength(5);
    seen.forEach((d, i) => expect(d).toBe(runtime.served[i]));
  });

  it('ends with a final look when the runtime runs out of rounds', async () => {
    const log: string[] = [];
    const v = await runSequential(fakeRuntime(7, 1, log), options(log, { lookEvery: 5 }));
    expect(log.filter((l) => l.startsWith('run'))).toEqual(['run 0', 'run 1', 'run 2', 'run 3', 'run 4', 'run 5', 'run 6', 'run 7']);
    expect(log.filter((l) => l.startsWith('look'))).toEqual(['look 1', 'look 2']);
    expect(v.looks[0].n.baseline + v.looks[0].n.candidate).toBeLessThanOrEqual(5 * 2 * PAIRS);
    expect(v.looks[1].informationFraction).toBe(1);
    expect(v.verdict).not.toBe('regression');
  });

  it('a runtime with no rounds at all: inconclusive', async () => {
    const log: string[] = [];
    const v = await runSequential(fakeRuntime(0, 1, log), options(log, {}));
    expect(v.verdict).toBe('inconclusive');
    expect(log).toEqual(['run 0', 'look 1']);
  });

  it('a cap before the planned size: no-regression when the target power was achieved anyway, else inconclusive, and says which', async () => {
    const log: string[] = [];
    // Stationary rounds of 200 pairs, the same latencies in both arms (a shift of exactly 0);
    // minRounds 1000 keeps the plan out of reach, and 10 rounds hit the cap.
    const stationary = (): Runtime => {
      const rng = new Prng(3);
      return {
        name: 'fake',
        async runRound(index: number) {
          const arm = Uint8Array.from({ length: 400 }, (_, i) => i % 2);
          const latencyNs = new Float64Array(400);
          for (let i = 0; i < 400; i += 2) latencyNs[i] = latencyNs[i + 1] = 1_000_000 + Math.round(100_000 * rng.nextFloat());
          return { data: { round: index, arm, seq: Float64Array.from(arm, (_, i) => i), latencyNs, startNs: null, status: null } };
        },
        async teardown() {},
      };
    };
    const big = await runSequential(stationary(), options(log, { maxRequests: 4000, mde: { relative: 0.5 } }));
    expect(big.verdict).toBe('no-regression');
    expect(big.power).toBeGreaterThanOrEqual(0.9);
    expect(big.reason).toBe(`a cap was reached without crossing the boundary, with the target power achieved (${big.power.toFixed(2)})`);
    const small = await runSequential(stationary(), options(log, { maxRequests: 4000, mde: { relative: 0.001 } }));
    expect(small.verdict).toBe('inconclusive');
    expect(small.power).toBeLessThan(0.9);
    expect(small.reason).toMatch(/^a cap was reached before the planned sample size \(achieved power 0\.\d\d\)$/);
  });

  it('a 50 % slowdown in every request is a regression, decided at a look, long before any cap', async () => {
    const log: string[] = [];
    const v = await runSequential(fakeRuntime(1000, 1.5, log), options(log, { lookEvery: 5, minRounds: 10 }));
    expect(v.verdict).toBe('regression');
    const runs = log.filter((l) => l.startsWith('run')).length;
    expect(runs).toBe(5 * v.looks.length);
    expect(runs).toBeLessThanOrEqual(50);
    expect(v.shift.relative).toBeCloseTo(0.5, 2);
  });
});
