// The human output of `analyze` and `run`: a short aligned table.
import { describeCpus } from '../checks/placement';
import type { PlacementReport, Verdict } from '../types';
import { formatNs, formatPercent, formatThreshold } from '../units';
import { costRows } from '../cost/render';
import { intervalLevel, outcomeOf, resolutionOf } from '../experiment/outcome';

const HEADLINE = {
  regression: 'REGRESSION',
  'within-budget': 'within budget',
  'no-regression': 'no regression',
  inconclusive: 'inconclusive',
} as const;

/** The interval's confidence level, e.g. "91.2 %" (a verdict.json of an earlier version: from its final boundary). */
export function levelText(v: Verdict): string {
  const level = v.ciLevel ?? intervalLevel(v.looks.at(-1)?.boundaryP ?? NaN);
  return Number.isFinite(level) ? `${(level * 100).toFixed(1)} %` : 'n/a';
}

/** The smallest slowdown beyond the budget this run would have called a regression, e.g. "+0.45% (82 ns)". */
export function resolutionText(v: Verdict): string {
  const r = v.resolution ?? resolutionOf(v.shift);
  if (!Number.isFinite(r.relative) && !Number.isFinite(r.ns)) return 'n/a (the interval has no lower bound at this level)';
  return `${formatPercent(r.relative)} (${formatNs(r.ns)}) beyond the budget`;
}

/** What a pass proved, in one phrase: shown within the budget, or only not shown to exceed it. */
export function passNote(v: Verdict): string {
  const outcome = outcomeOf(v);
  if (outcome === 'within-budget') return 'shown within the budget: the interval lies wholly below it';
  if (outcome === 'no-regression') return 'not shown to exceed the budget, nor shown within it: the interval reaches above it';
  return '';
}

/** Which parts found the regression, e.g. "tail (p99)" or "latency and errors"; '' when none did. */
export function failedText(v: Verdict): string {
  const parts = (v.failed ?? []).map((p) => (p === 'tail' && v.tail ? `tail (${v.tail.level})` : p));
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? '');
}

/** The tail test in one line: the shift of the tail with its interval, the shares above the quantile, p against its level. */
export function tailLine(v: Verdict): string {
  const t = v.tail;
  if (!t) return 'off';
  const share = (x: number) => `${(x * 100).toFixed(2)}%`;
  const shares = `${share(t.shares.candidate)} of candidate vs ${share(t.shares.baseline)} of baseline requests above the rounds' pooled ${t.level}`;
  return (
    `${t.level} ${t.outcome}: shift ${formatPercent(t.estimate.relative)} (${formatNs(t.estimate.ns)}), ` +
    `${(t.ciLevel * 100).toFixed(1)} % CI ${formatPercent(t.ci.relative[0])} .. ${formatPercent(t.ci.relative[1])} ` +
    `(${formatNs(t.ci.ns[0])} .. ${formatNs(t.ci.ns[1])}); budget ${formatThreshold(t.threshold)}; ${shares}; ` +
    `p ${formatP(t.p)} vs ${formatP(t.testLevel)} (${(t.alphaShare * 100).toFixed(0)} % of alpha)`
  );
}

export function verdictTable(v: Verdict): string {
  const rows: Array<[string, string]> = [
    ['verdict', `${HEADLINE[outcomeOf(v)]}${failedText(v) ? ` (failed: ${failedText(v)})` : ''} — ${v.reason}`],
    ['shift', `${formatPercent(v.shift.relative)} (${formatNs(v.shift.ns)})`],
    ['CI', `${formatPercent(v.shift.ci[0])} .. ${formatPercent(v.shift.ci[1])}  (${formatNs(v.shift.ciNs[0])} .. ${formatNs(v.shift.ciNs[1])}); ${levelText(v)} level, repeated CI at the final look`],
    ['budget', formatThreshold(v.threshold)],
    ['tail', tailLine(v)],
    ['resolution', `${resolutionText(v)}: the smallest slowdown this run would have called a regression`],
    ['p', `${formatP(v.p)} (boundary ${formatP(v.looks.at(-1)?.boundaryP ?? NaN)}; i.i.d. Mann-Whitney would say ${formatP(v.iidP)})`],
    ['median', `baseline ${formatNs(v.median.baseline)}, candidate ${formatNs(v.median.candidate)}`],
    ['n', `baseline ${v.n.baseline}, candidate ${v.n.candidate} in ${v.rounds} rounds, ${v.looks.length} looks`],
    ['power', `${(v.power * 100).toFixed(0)}%`],
    ['warm-up', `${v.warmup.removed} removed${v.warmup.invalidRounds.length ? `, ${v.warmup.invalidRounds.length} rounds not steady` : ''}`],
    ['errors', `baseline ${v.errors.baseline}, candidate ${v.errors.candidate}`],
  ];
  if (passNote(v)) rows.splice(1, 0, ['pass', passNote(v)]);
  if (v.calls) rows.push(['calls', callsLine(v)]);
  if (v.placement) rows.push(['placement', placementLine(v.placement)]);
  if (v.cost) rows.push(...costRows(v.cost));
  if (v.durationMs !== undefined) rows.push(['time', `${(v.durationMs / 1000).toFixed(1)} s`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, val]) => `${k.padEnd(width)}  ${val}`).join('\n');
}

/** The verdict's reason, and what a pass proved, as sentences: capitalised, with full stops (Markdown and HTML). */
export function reasonSentence(v: Verdict): string {
  const note = passNote(v);
  return sentence(v.reason) + (note ? ` ${sentence(note)}` : '');
}

function sentence(s: string): string {
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;
}

export function formatP(p: number): string {
  if (!Number.isFinite(p)) return 'n/a';
  if (p === 0) return '0';
  if (p < 1e-4) return p.toExponential(1);
  return p.toPrecision(2);
}

/** Hooked calls per request and the per-call cost the macro shift implies (recommendation 7). */
export function callsLine(v: Verdict): string {
  if (!v.calls) return '';
  if ('unavailable' in v.calls) return v.calls.unavailable;
  const c = v.calls;
  const parts = Object.entries(c.perRequest)
    .filter(([, n]) => n >= 0.05)
    .map(([fn, n]) => `${fn} ${n.toFixed(2)}/request (${formatNs(c.impliedPerCallNs[fn])} per call)`);
  const by = `counted by ${c.method === 'preload' ? 'the counting preload' : 'strace'}`;
  const uncounted = c.uncounted?.length ? `; not counted: ${c.uncounted.join(', ')}` : '';
  return `${parts.length ? `${parts.join(', ')} over ${c.requests} requests` : 'no hooked calls seen'}, ${by}${uncounted}`;
}

/** Where the orchestrating process went, when the plan left it a CPU. */
export function helpersNote(p: PlacementReport): string {
  const h = p.pinned.helpers;
  if (!h) return '';
  return h === 'single-threaded' ? ' (loadgen single-threaded)' : ` (orchestrator on ${describeCpus(h, p.allowed)})`;
}

/** Where the loadgen and the arms were pinned, how often they were seen apart, who started first. */
export function placementLine(p: PlacementReport): string {
  const how = p.mode === 'off'
    ? `off${p.requested !== 'off' ? ` (${p.requested} requested)` : ''}, not pinned`
    : `${p.mode}${p.requested === 'auto' ? ' (auto)' : ''}: loadgen on ${describeCpus(p.pinned.loadgen, p.allowed)}, both SUT arms on ${describeCpus(p.pinned.sut, p.allowed)}${helpersNote(p)}`;
  const observed = p.rounds.filter((r) => r.samples > 0);
  const apart = observed.filter((r) => r.differing > 0).length;
  const seen = observed.length ? `arms on different CPUs in ${apart} of ${observed.length} observed rounds` : 'not observed';
  const first = p.rounds.filter((r) => r.first === 'candidate').length;
  const order = p.rounds.length ? `; candidate started first in ${first} of ${p.rounds.length} rounds` : '';
  return `${how}; ${seen}${order}${p.note ? `; ${p.note}` : ''}`;
}
