// Like with like: a record is comparable with a run only when both were measured on the same runtime
// and the same kind of runner (CPU model and vCPU count), since a new runner type moves absolute
// latencies by more than most hooks cost. The PR comment's history line compares the PR's shift with
// the last N comparable records on the base branch. Shown only: nothing here gates.
import { formatNs, formatPercent } from '../units';
import { medianSorted } from '../stats/quantile';
import { analyseHistory } from './change-points';
import { conditionsLabel, sameConditions, sameRunnerType, type Conditions } from './conditions';
import type { HistoryRecord } from './record';

/** Fewer comparable records than this: no trend is drawn from them. */
export const MIN_COMPARABLE = 3;

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
    recentChangeNote(onBranch, comparable, current) +
    `Shown only, not gated.`
  );
}

/**
 * "Change point: +0.9 µs since a1b2c3d…d4e5f6a (...). " when the history of this run's runner type has
 * a change point among the last comparable records (the newest one named, the others counted).
 */
function recentChangeNote(onBranch: HistoryRecord[], comparable: HistoryRecord[], current: Conditions): string {
  const since = onBranch.indexOf(comparable[0]!);
  const recent = analyseHistory(onBranch).changePoints.filter((c) => c.index >= since && sameRunnerType(onBranch[c.index]!, current));
  const c = recent.at(-1);
  if (!c) return '';
  const more = recent.length > 1 ? `; ${recent.length - 1} more in these records` : '';
  return (
    `Change point: ${signedNs(c.shift)} since ${c.range[0].slice(0, 7)}…${c.range[1].slice(0, 7)} ` +
    `(level ${signedNs(c.before)} → ${signedNs(c.after)}, 95% interval ${signedNs(c.ci[0])} … ${signedNs(c.ci[1])}` +
    `${c.environment.length ? `; with an environment change: ${c.environment.join('; ')}` : ''}${more}). `
  );
}

export function signedNs(ns: number): string {
  return `${ns > 0 ? '+' : ''}${formatNs(ns)}`;
}
