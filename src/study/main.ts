// `node scripts/run-ts.mjs src/study/main.ts [--replays N]`: the A/A false-positive rate and the
// power of the gate on interleaved replays of the paper's traces, printed as a table.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { hodgesLehmann, mannWhitney, quantileSorted } from '../stats';
import { sequentialAA } from './contrast';
import { readPaperTrace } from './paper-trace';
import { runStudy, type StudySpec } from './study';

const dataDir = process.env.PAPER_DATA ?? join(process.cwd(), 'data', 'paper');
const replays = Number(process.argv[process.argv.indexOf('--replays') + 1]) || 200;
const files = readdirSync(dataDir).filter((f) => f.endsWith('.csv.gz')).sort();
const traces = Object.fromEntries(files.map((f) => [f, readPaperTrace(join(dataDir, f))]));
const without = files.filter((f) => f.includes('without')).map((f) => traces[f]);
const all = files.map((f) => traces[f]);
const withoutHook = (env: string) => files.find((f) => f.startsWith(env) && f.includes('without'))!;
const withHook = (env: string) => files.find((f) => f.startsWith(env) && !f.includes('without'))!;
const byEnv = (env: string) => [traces[withoutHook(env)]];

const base: Omit<StudySpec, 'traces' | 'effect' | 'instanceSd' | 'threshold'> = {
  replays,
  requestsPerRound: 400,
  starts: [0, 4000, 12000, 20000],
  seed: 1,
};

const failingHook = { baseline: 0.002, candidate: 0.005 };
const rows: Array<[string, Partial<StudySpec>]> = [
  ['A/A, all 8 traces', { traces: all, effect: 0, instanceSd: 0, threshold: { relative: 0 } }],
  ['A/A + 1% instance offsets', { traces: all, effect: 0, instanceSd: 0.01, threshold: { relative: 0 } }],
  ['Docker +7.0%', { traces: byEnv('docker'), effect: 0.07, instanceSd: 0.01, threshold: { relative: 0 } }],
  ['kind +3.8%', { traces: byEnv('kind'), effect: 0.038, instanceSd: 0.01, threshold: { relative: 0 } }],
  ['EKS pod +2.9%', { traces: byEnv('aws-pod'), effect: 0.029, instanceSd: 0.01, threshold: { relative: 0 } }],
  ['budget 5%, +2%', { traces: without, effect: 0.02, instanceSd: 0.01, threshold: { relative: 0.05 } }],
  ['budget 5%, +5% (the shift at the budget)', { traces: without, effect: 0.05, instanceSd: 0.01, threshold: { relative: 0.05 } }],
  ['budget 5%, no shift', { traces: without, effect: 0, instanceSd: 0.01, threshold: { relative: 0.05 } }],
  ['budget 5%, +12%', { traces: without, effect: 0.12, instanceSd: 0.01, threshold: { relative: 0.05 } }],
  ['A/A, 0.2% errors in both arms', { traces: all, effect: 0, instanceSd: 0, errorRate: 0.002, threshold: { relative: 0 } }],
  ['A/A, 0.5% errors in both arms', { traces: all, effect: 0, instanceSd: 0, errorRate: 0.005, threshold: { relative: 0 } }],
  ['A/A, 1% errors in both arms', { traces: all, effect: 0, instanceSd: 0, errorRate: 0.01, threshold: { relative: 0 } }],
  ['A/A, one instance fails a burst of 8-20 requests in one round', { traces: all, effect: 0, instanceSd: 0, burst: { min: 8, max: 20, withinRounds: 10 }, threshold: { relative: 0 } }],
  ['candidate fails 0.5% of requests, baseline 0.2%', { traces: all, effect: 0, instanceSd: 0, errorRate: failingHook, threshold: { relative: 0 } }],
  // The pod runtimes' defaults (requests-per-round 2000, min-rounds 20): 40 000 requests hold enough failures to tell the rates apart.
  ['candidate fails 0.5% of requests, baseline 0.2%, 2000 x 20 rounds', { traces: all, effect: 0, instanceSd: 0, errorRate: failingHook, threshold: { relative: 0 }, requestsPerRound: 2000, starts: [0, 4000], options: { minRounds: 20 } }],
  // Plans that grow: instance noise rising through the run, and a calm first look followed by noisy rounds.
  ['A/A, instance noise rising 0.5% -> 5% over 20 rounds', { traces: all, effect: 0, instanceSd: 0, instanceSdAt: (r) => Math.min(0.05, 0.005 * (1 + r / 2)), threshold: { relative: 0 } }],
  ['A/A, calm first look, then 3% instance noise', { traces: all, effect: 0, instanceSd: 0, instanceSdAt: (r) => (r < 5 ? 0 : 0.03), threshold: { relative: 0 } }],
  ...persistentRows(),
  ...stallRows(),
  ...orderRows(),
  ...additiveSlotRows(),
];

/**
 * A hook that stalls now and then: 1 % of the candidate's requests take longer, the median untouched.
 * On the local example SUT a 40 µs stall puts a request above the p99; on the paper's traces (1.6-3.1
 * ms medians, p99 4.4-11 ms) the same happens with a stall as long as the trace's p99, while 40 µs as
 * such stays inside their spread. The median test alone (`tail: off`) beside.
 */
function stallRows(): Array<[string, Partial<StudySpec>]> {
  const intoTheTail = { share: 0.01, ns: (t: Float64Array) => quantileSorted(Float64Array.from(t).sort(), 0.99) };
  const spec = (stall: StudySpec['stall'], tail: boolean): Partial<StudySpec> => ({
    traces: without, effect: 0, instanceSd: 0.01, stall, threshold: { relative: 0 }, ...(tail ? {} : { options: { tail: null } }),
  });
  return [
    ['stall: 1% of candidate requests + the trace\'s p99 (lands in the tail, as 40 us does on the example SUT)', spec(intoTheTail, true)],
    ['stall: the same, median test alone (tail: off)', spec(intoTheTail, false)],
    ['stall: 1% of candidate requests +40 us (on millisecond traces)', spec({ share: 0.01, ns: 40_000 }, true)],
  ];
}

/**
 * The true shift exactly at a relative budget (the edge of H0), with a fixed cost of +-2 % of the
 * median in ns on the round's first-started instance for the whole run: the budget scales the
 * candidate only, so an additive slot effect weighs differently in the two slots.
 */
function additiveSlotRows(): Array<[string, Partial<StudySpec>]> {
  const cases: Array<[number, number, number]> = [[0.02, -0.02, 10], [0.02, -0.02, 60], [0.02, 0.02, 60], [0.05, -0.02, 10], [0.05, -0.02, 60], [0.05, 0.02, 60]];
  return cases.map(([budget, size, minRounds]): [string, Partial<StudySpec>] => [
    `budget ${budget * 100}%, shift at the budget, ${size > 0 ? '+' : ''}${size * 100}% of the median in ns on the first-started instance, ${minRounds} rounds or more`,
    { traces: without, effect: budget, instanceSd: 0.01, persistent: { size, stay: 1, additive: true }, threshold: { relative: budget }, options: { minRounds } },
  ]);
}
/**
 * A/A with a +-size offset whose sign persists from round to round with probability `stay`: on the
 * round's first-started instance (a placement or start-order effect, which the design's coin assigns
 * to an arm), and, for contrast, on the candidate itself in every round (an effect no coin reaches).
 */
function persistentRows(): Array<[string, Partial<StudySpec>]> {
  const onSlot = [[0.01, 0.5], [0.02, 0.7], [0.02, 0.9], [0.02, 0.99], [0.05, 1]];
  const onArm = [[0.01, 0.5], [0.01, 0.7], [0.02, 0.7], [0.01, 0.8], [0.01, 0.9], [0.02, 0.9]];
  const row = (on: 'slot' | 'arm', [size, stay]: number[]): [string, Partial<StudySpec>] => [
    `A/A, persistent +-${size! * 100}% on the ${on === 'slot' ? 'first-started instance' : 'candidate arm'} (stay ${stay})`,
    { traces: all, effect: 0, instanceSd: 0.01, persistent: { size: size!, stay: stay!, on }, threshold: { relative: 0 } },
  ];
  return [...onSlot.map((c) => row('slot', c)), ...onArm.map((c) => row('arm', c))];
}
/**
 * Effects of a request's place in the order rather than of its arm: a rhythm of period 2 and drift
 * through the round (A/A: the order must not turn them into a difference of the arms), and
 * carryover, a candidate that slows the request after it, whatever that request's arm (what the
 * estimate then means: docs/method.md, "A quiet instrument").
 */
function orderRows(): Array<[string, Partial<StudySpec>]> {
  const row = (name: string, effect: number, order: StudySpec['order']): [string, Partial<StudySpec>] => [
    `order: ${name}`,
    { traces: all, effect, instanceSd: 0.01, order, threshold: { relative: 0 } },
  ];
  return [
    row('A/A, every other request 5% slower', 0, { everyOther: 0.05 }),
    row('A/A, every other request 20% slower', 0, { everyOther: 0.2 }),
    row('A/A, latency rising 10% through each round', 0, { drift: 0.1 }),
    row('candidate +2%', 0.02, {}),
    row('candidate +2%, and 2% more on the request after it', 0.02, { carryover: 0.02 }),
    row('candidate +0, 2% on the request after it', 0, { carryover: 0.02 }),
  ];
}

const only = process.env.STUDY_ONLY;
console.log('| replays | regression | no-regression | inconclusive | share regression | i.i.d. Mann-Whitney p < alpha | median requests | interval disagrees with test | regressions by the error test | within budget | found by latency / tail / errors | median estimate | time |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const [name, spec] of rows) {
  if (only && !only.split('|').some((part) => name.includes(part))) continue;
  const t0 = Date.now();
  const r = await runStudy({ ...base, ...spec } as StudySpec);
  console.log(
    `| ${name} (${r.replays}) | ${r.verdicts.regression} | ${r.verdicts['no-regression']} | ${r.verdicts.inconclusive} | ` +
      `${(r.regressionRate * 100).toFixed(1)}% | ${(r.iidRate * 100).toFixed(1)}% | ${r.medianRequests} | ${r.intervalMismatches} | ${r.errorRegressions} | ${r.withinBudget} | ${r.foundBy.latency} / ${r.foundBy.tail} / ${r.foundBy.errors} | ${(r.medianShift * 100).toFixed(2)}% | ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );
}

if (only) process.exit(0);
// The contrast: the A-then-B design under a plain Mann-Whitney test vs the interleaved gate.
console.log('\n| environment | plain MW, A then B, same app: "different" (n = 2000 + 2000) | gate, interleaved, same app: regression | paper with vs without: HL shift, plain MW p |\n|---|---|---|---|');
for (const env of ['docker', 'kind', 'aws-pod', 'aws-nodes']) {
  const w = withoutHook(env);
  const h = withHook(env);
  const seq = sequentialAA(traces[w], 2000, 400, 11);
  const gate = await runStudy({ ...base, replays: Math.min(replays, 100), traces: [traces[w]], effect: 0, instanceSd: 0, threshold: { relative: 0 } });
  const hl = Math.expm1(hodgesLehmann(traces[w].slice(4000).map(Math.log), traces[h].slice(4000).map(Math.log)));
  const plainP = mannWhitney(traces[h].slice(4000), traces[w].slice(4000), { alternative: 'two-sided' }).p;
  console.log(
    `| ${env} | ${(seq.falseDifferenceRate * 100).toFixed(0)}% of ${seq.trials} | ${(gate.regressionRate * 100).toFixed(1)}% of ${gate.replays} | ${(hl * 100).toFixed(1)}%, p = ${plainP.toExponential(1)} |`,
  );
}
