// Like with like: a record is comparable with a run only when both were measured on the same runtime
// and the same kind of runner (CPU model and vCPU count), since a new runner type moves absolute
// latencies by more than most hooks cost. The PR comment's history line compares the PR's shift with
// the last N comparable records on the base branch. Shown only: nothing here gates.
import { formatNs, formatPercent } from '../units';
import { medianSorted } from '../stats/quantile';
import type { HistoryRecord, RunnerFacts } from './record';

/** Fewer comparable records than this: no trend is drawn from them. */
export const MIN_COMPARABLE = 3;

export interface Conditions {
  runtime: string;
  runtimeVersion?: string;
  runner: RunnerFacts;
}

/** Same runtime and same kind of runner (CPU model, vCPUs): absolute latencies are of one scale. */
export function sameRunnerType(a: Conditions, b: Conditions): boolean {
  return a.runtime === b.runtime && a.runner.cpuModel === b.runner.cpuModel && a.runner.vcpus === b.runner.vcpus;
}

/** The environment facts that differ between a and b ("kernel: Linux 6.5 → Linux 6.8"); a missing fact is "unknown". */
export function environmentChanges(a: Conditions, b: Conditions): string[] {
  const facts: Array<[string, (c: Conditions) => string | undefined]> = [
    ['kernel', (c) => c.runner.kernel],
    ['runner image', (c) => c.runner.image],
    ['runtime version', (c) => c.runtimeVersion],
  ];
  return facts.filter(([, get]) => get(a) !== get(b)).map(([name, get]) => `${name}: ${get(a) ?? 'unknown'} → ${get(b) ?? 'unknown'}`);
}

/** Comparable: the same runner type and the same environment (kernel, runner image, runtime version). */
export function sameConditions(a: Conditions, b: Conditions): boolean {
  return sameRunnerType(a, b) && environmentChanges(a, b).length === 0;
}

/** "kind · AMD EPYC 7763 64-Core Processor · 4 vCPUs" */
export function conditionsLabel(c: Conditions): string {
  return `${c.runtime} · ${c.runner.cpuModel} · ${c.runner.vcpus} vCPU${c.runner.vcpus === 1 ? '' : 's'}`;
}

export interface TrendSelection {
  /** Records on the branch, in file (time) order. */
  onBranch: HistoryRecord[];
  /** The last `last` of those measured under the same conditions. */
  comparable: HistoryRecord[];
}

export function selectComparable(records: HistoryRecord[], current: Conditions, branch: string | undefined, last: number): TrendSelection {
  const onBranch = branch ? records.filter((r) => r.branch === branch) : records;
  return { onBranch, comparable: onBranch.filter((r) => sameConditions(r, current)).slice(-Math.max(1, last)) };
}

export interface CurrentRun extends Conditions {
  shift: { relative: number; ns: number };
}

/** The one line the PR comment and the job summary get. */
export function trendLine(records: HistoryRecord[], current: CurrentRun, branch: string | undefined, last: number): string {
  const { onBranch, comparable } = selectComparable(records, current, branch, last);
  const where = branch ? ` on \`${branch}\`` : '';
  const here = `this run ${signedNs(current.shift.ns)} (${formatPercent(current.shift.relative)})`;
  if (comparable.length < MIN_COMPARABLE) {
    return (
      `📈 **history**: ${here}; only ${comparable.length} of ${onBranch.length} records${where} were measured like this run ` +
      `(${conditionsLabel(current)}), too few for a trend. Shown only, not gated.`
    );
  }
  const ns = comparable.map((r) => r.shift.ns).filter(Number.isFinite).sort((a, b) => a - b);
  const lo = ns[0];
  const hi = ns[ns.length - 1];
  const position = current.shift.ns > hi ? 'above that range' : current.shift.ns < lo ? 'below that range' : 'within that range';
  return (
    `📈 **history**: ${here}; the last ${comparable.length} comparable records${where} ` +
    `(${conditionsLabel(current)}): ${signedNs(lo)} … ${signedNs(hi)}, median ${signedNs(medianSorted(ns))} — ${position}. ` +
    `Shown only, not gated.`
  );
}

export function signedNs(ns: number): string {
  return `${ns > 0 ? '+' : ''}${formatNs(ns)}`;
}
