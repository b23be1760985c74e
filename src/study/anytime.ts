// `node scripts/run-ts.mjs src/study/anytime.ts [--replays N]`: the gate's group-sequential design
// (latency test, `tail: off`) beside an anytime-valid alternative on the same replays of the paper's traces (docs/method.md,
// "An anytime-valid alternative"). The alternative looks after every round at the same round scores
// (van Elteren, log scale) and stops on the first of:
//   regression     the normal-mixture e-process of the scores at the budget reaches 1 / alpha_latency;
//   no-regression  the mirrored e-process at budget + mde reaches 1 / (1 - power): the slowdown is
//                  shown to be below budget + mde (futility, valid at any stop);
//   cap            the trace ends (50 000 requests a trace) or max-requests is reached.
// Its "within budget" is the mirrored e-process at the budget reaching 1 / alpha_latency at the stop.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_ALPHA_SHARE, runSequential } from '../experiment/controller';
import { prepareRound } from '../experiment/prepared-round';
import { ReplayRuntime } from '../runtime/replay';
import { median, normalMixtureBoundary, normalMixtureRho, quantileSorted, roundScore } from '../stats';
import type { RoundData } from '../types';
import { readPaperTrace } from './paper-trace';
import { buildReplay, type ReplaySpec } from './replay-builder';
import { GATE_DEFAULTS } from './study';

interface Row {
  name: string;
  effect: number;
  budget: number;
  instanceSd: number;
  persistent?: ReplaySpec['persistent'];
}

interface Stop {
  verdict: 'regression' | 'no-regression';
  withinBudget: boolean;
  requests: number;
}

const { mde: gateMde } = GATE_DEFAULTS;
const mde = 'relative' in gateMde ? gateMde.relative : NaN;
// The latency test alone on both sides (the gate with `tail: off`: alpha less the error test's share).
const latencyAlpha = GATE_DEFAULTS.alpha * (1 - ERROR_ALPHA_SHARE);
const futilityAlpha = 1 - GATE_DEFAULTS.power;
const requestsPerRound = 400;

/**
 * The mixture is tuned for the intrinsic time of min-rounds rounds of i.i.d. scores: a round score's
 * variance under H0 is m n / (12 (m + n + 1)) with m = n = requestsPerRound / 2. Fixed before any data.
 */
function designRho(alpha: number): number {
  const m = requestsPerRound / 2;
  return normalMixtureRho((GATE_DEFAULTS.minRounds * m * m) / (12 * (2 * m + 1)), alpha);
}

export function anytimeStop(rounds: RoundData[], budget: number): Stop {
  const at = { budget: Math.log1p(budget), futile: Math.log1p(budget + mde) };
  const rho = { latency: designRho(latencyAlpha), futility: designRho(futilityAlpha) };
  let [s0, v0, s1, v1, requests] = [0, 0, 0, 0, 0];
  for (const data of rounds) {
    requests += data.arm.length;
    const r = prepareRound(data);
    if (!r.valid) continue;
    const d0 = roundScore(r.log.baseline, r.log.candidate, at.budget);
    const d1 = roundScore(r.log.baseline, r.log.candidate, at.futile);
    [s0, v0, s1, v1] = [s0 + d0, v0 + d0 * d0, s1 + d1, v1 + d1 * d1];
    const within = -s0 >= normalMixtureBoundary(v0, rho.latency, latencyAlpha);
    if (s0 >= normalMixtureBoundary(v0, rho.latency, latencyAlpha)) return { verdict: 'regression', withinBudget: false, requests };
    if (-s1 >= normalMixtureBoundary(v1, rho.futility, futilityAlpha)) return { verdict: 'no-regression', withinBudget: within, requests };
    if (requests >= GATE_DEFAULTS.maxRequests) break;
  }
  return { verdict: 'no-regression', withinBudget: -s0 >= normalMixtureBoundary(v0, rho.latency, latencyAlpha), requests };
}

async function groupSequentialStop(rounds: RoundData[], budget: number): Promise<Stop> {
  let requests = 0;
  const v = await runSequential(new ReplayRuntime(rounds), {
    ...GATE_DEFAULTS,
    tail: null,
    threshold: { relative: budget },
    onRound: (d) => {
      requests += d.arm.length;
    },
  });
  return { verdict: v.verdict === 'regression' ? 'regression' : 'no-regression', withinBudget: v.withinBudget === true, requests };
}

function summary(stops: Stop[]): string {
  const n = stops.length;
  const reqs = Float64Array.from(stops, (s) => s.requests).sort();
  const count = (f: (s: Stop) => boolean) => stops.filter(f).length;
  const share = (k: number) => `${k} (${((100 * k) / n).toFixed(1)} %)`;
  return `${share(count((s) => s.verdict === 'regression'))} | ${share(count((s) => s.withinBudget))} | ${median(reqs)} | ${Math.round(quantileSorted(reqs, 0.9))}`;
}

async function main(): Promise<void> {
  const replays = Number(process.argv[process.argv.indexOf('--replays') + 1]) || 200;
  const dataDir = join(process.cwd(), 'data', 'paper');
  const traces = readdirSync(dataDir).filter((f) => f.endsWith('.csv.gz') && f.includes('without')).sort().map((f) => readPaperTrace(join(dataDir, f)));
  const rows: Row[] = [
    { name: 'A/A, 1 % instance noise', effect: 0, budget: 0, instanceSd: 0.01 },
    { name: 'A/A, persistent +-5 % on the first-started instance (stay 1)', effect: 0, budget: 0, instanceSd: 0.01, persistent: { size: 0.05, stay: 1 } },
    { name: '+0.5 x mde (+1.25 %)', effect: mde / 2, budget: 0, instanceSd: 0.01 },
    { name: '+1 x mde (+2.5 %)', effect: mde, budget: 0, instanceSd: 0.01 },
    { name: '+2 x mde (+5 %)', effect: 2 * mde, budget: 0, instanceSd: 0.01 },
    { name: 'budget 5 %, +5 % (the shift at the budget)', effect: 0.05, budget: 0.05, instanceSd: 0.01 },
    { name: 'budget 5 %, no shift', effect: 0, budget: 0.05, instanceSd: 0.01 },
  ];
  console.log('| row (replays) | group-sequential (the gate): regression | within budget | median requests | 90th pct requests | anytime-valid: regression | within budget | median requests | 90th pct requests |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    const gs: Stop[] = [];
    const av: Stop[] = [];
    for (let i = 0; i < replays; i++) {
      const rounds = buildReplay(traces[i % traces.length]!, {
        start: [0, 4000, 12000, 20000][Math.floor(i / traces.length) % 4]!,
        requestsPerRound,
        seed: 1 + i,
        effect: row.effect,
        instanceSd: row.instanceSd,
        persistent: row.persistent,
      });
      gs.push(await groupSequentialStop(rounds, row.budget));
      av.push(anytimeStop(rounds, row.budget));
    }
    console.log(`| ${row.name} (${replays}) | ${summary(gs)} | ${summary(av)} |`);
  }
}

await main();
