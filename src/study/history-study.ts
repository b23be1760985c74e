// How well E-divisive finds steps in a
// gate's history, on synthetic histories whose record noise is that of real records.
//
// Record noise: each record's deviation is the relative Hodges-Lehmann shift of an A/A record made from
// the paper's without-hook traces (data/paper): a window of 2 * 2000 consecutive requests, alternately
// assigned to the two arms as the gate's interleaved schedule does, shift divided by the baseline
// median. Its spread is the interval width of a real record of that size. A history is a level path
// (flat, one step of s % at a random place, or a linear drift) plus one such deviation per record.
// Reported per row: detection rate (a change point within ±2 records of the step), false change
// points per 100 records (any other), and the median location error of the nearest change point.
import { Prng } from '../experiment/prng';
import { eDivisive } from '../stats/e-divisive';
import { hodgesLehmann } from '../stats/hodges-lehmann';
import { median } from '../stats/quantile';

const REQUESTS_PER_ARM = 2000;
const LOCATION_TOLERANCE = 2;

/** A/A record deviations (relative shift) from interleaved windows of the traces, at random starts. */
export function recordNoisePool(traces: Float64Array[], size: number, rng: Prng): Float64Array {
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const t = traces[i % traces.length]!;
    const start = rng.nextInt(t.length - 2 * REQUESTS_PER_ARM);
    const a = new Float64Array(REQUESTS_PER_ARM);
    const b = new Float64Array(REQUESTS_PER_ARM);
    for (let k = 0; k < REQUESTS_PER_ARM; k++) {
      a[k] = t[start + 2 * k]!;
      b[k] = t[start + 2 * k + 1]!;
    }
    out[i] = hodgesLehmann(a, b) / median(a);
  }
  return out;
}

export interface Scenario {
  name: string;
  records: number;
  kind: 'flat' | 'step' | 'drift';
  /** Relative size of the step, or of the drift over the whole history. */
  size: number;
}

export interface ScenarioResult extends Scenario {
  histories: number;
  /** Histories with any change point. */
  withChange: number;
  /** Histories with a change point within ±2 records of the step (steps only). */
  detected: number;
  /** Change points that are not the step's (within ±2 records), per 100 records; every one on a flat history. */
  falsePer100: number;
  /** Median |located - true| of the nearest change point, over step histories with any (NaN: none). */
  medianLocationError: number;
}

function levels(s: Scenario, step: number): number[] {
  return Array.from({ length: s.records }, (_, i) =>
    s.kind === 'step' ? (i >= step ? s.size : 0) : s.kind === 'drift' ? (s.size * i) / (s.records - 1) : 0,
  );
}

export function runScenario(s: Scenario, histories: number, noise: Float64Array, rng: Prng): ScenarioResult {
  let detected = 0;
  let withChange = 0;
  let falseCount = 0;
  const errors: number[] = [];
  for (let h = 0; h < histories; h++) {
    // Steps at random places, at least 10 records from either end.
    const step = 10 + rng.nextInt(s.records - 19);
    const series = levels(s, step).map((v) => v + noise[rng.nextInt(noise.length)]!);
    const { changePoints } = eDivisive(series, { seed: h + 1 });
    if (changePoints.length) withChange++;
    if (s.kind !== 'step') {
      falseCount += changePoints.length;
      continue;
    }
    const hit = changePoints.some((c) => Math.abs(c - step) <= LOCATION_TOLERANCE);
    if (hit) detected++;
    falseCount += changePoints.length - (hit ? 1 : 0);
    if (changePoints.length) errors.push(Math.min(...changePoints.map((c) => Math.abs(c - step))));
  }
  return {
    ...s,
    histories,
    withChange,
    detected,
    falsePer100: (100 * falseCount) / (histories * s.records),
    medianLocationError: errors.length ? median(errors) : NaN,
  };
}

/** Flat histories, steps of 0.5-5 % at random places, and linear drifts. */
export function scenarios(): Scenario[] {
  const out: Scenario[] = [];
  for (const n of [60, 100, 200]) out.push({ name: 'flat', records: n, kind: 'flat', size: 0 });
  for (const n of [60, 200]) for (const pct of [0.5, 1, 2, 5]) out.push({ name: `step +${pct} %`, records: n, kind: 'step', size: pct / 100 });
  for (const pct of [2, 5]) out.push({ name: `drift +${pct} % over the history`, records: 100, kind: 'drift', size: pct / 100 });
  return out;
}

/** One markdown table row. */
export function tableRow(r: ScenarioResult): string {
  const found = r.kind === 'step' ? `${r.detected} of ${r.histories}` : r.kind === 'drift' ? `any: ${r.withChange} of ${r.histories}` : '—';
  const falsePer100 = r.kind === 'drift' ? '—' : r.falsePer100.toFixed(2);
  const error = Number.isNaN(r.medianLocationError) ? '—' : String(r.medianLocationError);
  return `| ${r.name} | ${r.records} | ${found} | ${falsePer100} | ${error} |`;
}
