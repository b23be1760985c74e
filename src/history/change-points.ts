// Change points in a gate's history: the creep that each merge's own gate lets through. The records
// of one runner type (runtime, CPU model, vCPUs: absolute latencies of one scale) form a series of
// shifts in ns, searched with E-divisive means (src/stats/e-divisive.ts). Spans split that further
// wherever the environment changed (kernel, runner image, runtime version); a change point at or
// next to such a boundary says so, so that a step the runner image brought is not blamed on a merge.
// Shown only: nothing here gates a pull request.
import { eDivisive } from '../stats/e-divisive';
import { kthPairDifference, hodgesLehmannSorted } from '../stats/hodges-lehmann';
import { normalQuantile } from '../stats/normal';
import { medianSorted } from '../stats/quantile';
import type { HistoryRecord, RunnerFacts } from './record';
import { environmentChanges, sameConditions, sameRunnerType } from './conditions';

/**
 * The newest records of a runner type that are searched. E-divisive costs O(L^2) per scan and the
 * permutation test repeats the scan 199 times per change point, so the series is capped: 500 records
 * (years of merges for most gates) keep a 10 000-record file under a second on one core.
 */
export const MAX_SERIES = 500;
/** A change point this many records or fewer from an environment change is put down to the environment. */
export const ENVIRONMENT_NEAR = 2;
const SEED = 25;

export interface SpanInfo {
  /** First and last record index (0-based, file order) of the span. */
  from: number;
  to: number;
  records: number;
  runtime: string;
  runtimeVersion?: string;
  runner: RunnerFacts;
  /** What differs from the span before it (empty for the first span). */
  changed: string[];
}

export interface ChangePoint {
  /** Index (0-based, file order) of the first record after the change. */
  index: number;
  /** The commit of that record. */
  commit: string;
  /** The commit range the change lies in: the last record before it and the first after it. */
  range: [string, string];
  /** Median shift (ns) of the segment before and after the change point. */
  before: number;
  after: number;
  /** Hodges-Lehmann shift (ns) of after vs before, and its 95 % Moses interval. */
  shift: number;
  ci: [number, number];
  /** Permutation p-value of the E-divisive test. */
  p: number;
  /** The environment change it coincides with (within ENVIRONMENT_NEAR records), empty when none. */
  environment: string[];
}

export interface HistoryAnalysis {
  spans: SpanInfo[];
  changePoints: ChangePoint[];
}

/** Consecutive records under the same conditions, each saying what changed from the one before. */
export function historySpans(records: HistoryRecord[]): SpanInfo[] {
  const out: SpanInfo[] = [];
  records.forEach((r, i) => {
    const last = out.at(-1);
    if (last && sameConditions(last, r)) {
      last.to = i;
      last.records++;
      return;
    }
    const changed = !last ? [] : sameRunnerType(last, r) ? environmentChanges(last, r) : [`runtime or runner type: ${typeLabel(last)} → ${typeLabel(r)}`];
    out.push({ from: i, to: i, records: 1, runtime: r.runtime, ...(r.runtimeVersion ? { runtimeVersion: r.runtimeVersion } : {}), runner: r.runner, changed });
  });
  return out;
}

const typeLabel = (c: { runtime: string; runner: RunnerFacts }) => `${c.runtime} · ${c.runner.cpuModel} · ${c.runner.vcpus} vCPUs`;

/** Spans and change points of a history, in file order. */
export function analyseHistory(records: HistoryRecord[]): HistoryAnalysis {
  const changePoints: ChangePoint[] = [];
  for (const series of runnerTypeSeries(records)) changePoints.push(...seriesChangePoints(records, series));
  changePoints.sort((a, b) => a.index - b.index);
  return { spans: historySpans(records), changePoints };
}

/** Per runner type, the indices of its newest MAX_SERIES records with a finite shift. */
function runnerTypeSeries(records: HistoryRecord[]): number[][] {
  const groups: number[][] = [];
  records.forEach((r, i) => {
    if (!Number.isFinite(r.shift.ns)) return;
    const group = groups.find((g) => sameRunnerType(records[g[0]!]!, r));
    if (group) group.push(i);
    else groups.push([i]);
  });
  return groups.map((g) => g.slice(-MAX_SERIES));
}

function seriesChangePoints(records: HistoryRecord[], indices: number[]): ChangePoint[] {
  const z = indices.map((i) => records[i]!.shift.ns);
  const { changePoints, tests } = eDivisive(z, { seed: SEED });
  const bounds = [0, ...changePoints, z.length];
  return changePoints.map((cp, k) => {
    const before = Float64Array.from(z.slice(bounds[k], cp)).sort();
    const after = Float64Array.from(z.slice(cp, bounds[k + 2])).sort();
    const first = records[indices[cp]!]!;
    return {
      index: indices[cp]!,
      commit: first.commit,
      range: [records[indices[cp - 1]!]!.commit, first.commit],
      before: medianSorted(before),
      after: medianSorted(after),
      shift: hodgesLehmannSorted(before, after),
      ci: mosesInterval(before, after, 0.95),
      p: tests.find((t) => t.tau === cp)!.p,
      environment: nearbyEnvironmentChange(records, indices, cp),
    };
  });
}

/**
 * Distribution-free interval for the shift of `after` vs `before` (L. E. Moses, in Walker & Lev,
 * Statistical Inference, 1953; Hollander & Wolfe 1999, section 4.3): the pairwise differences ranked
 * C and mn + 1 - C, C from the Mann-Whitney null distribution (normal approximation, no ties). Chosen
 * over a bootstrap because it matches the Hodges-Lehmann estimate, needs no seed, and holds for the
 * few records a segment may have; it assumes records within a segment are exchangeable.
 */
export function mosesInterval(sortedBefore: Float64Array, sortedAfter: Float64Array, level: number): [number, number] {
  const m = sortedBefore.length;
  const n = sortedAfter.length;
  const z = normalQuantile(1 - (1 - level) / 2);
  const c = Math.floor((m * n) / 2 - z * Math.sqrt((m * n * (m + n + 1)) / 12));
  if (c < 1) return [-Infinity, Infinity];
  return [kthPairDifference(sortedBefore, sortedAfter, c - 1), kthPairDifference(sortedBefore, sortedAfter, m * n - c)];
}

/** The environment changes between neighbouring records of the series within ENVIRONMENT_NEAR of cp, nearest first. */
function nearbyEnvironmentChange(records: HistoryRecord[], indices: number[], cp: number): string[] {
  for (let d = 0; d <= ENVIRONMENT_NEAR; d++) {
    for (const j of d === 0 ? [cp] : [cp - d, cp + d]) {
      if (j < 1 || j >= indices.length) continue;
      const changes = environmentChanges(records[indices[j - 1]!]!, records[indices[j]!]!);
      if (changes.length) return changes;
    }
  }
  return [];
}

/** Change points within the newest span that no environment change explains (what `--fail-on-change` reports). */
export function newestSpanChanges(a: HistoryAnalysis): ChangePoint[] {
  const span = a.spans.at(-1);
  if (!span) return [];
  return a.changePoints.filter((c) => c.index > span.from && c.index <= span.to && c.environment.length === 0);
}
