// The self-contained HTML report: one file, inline CSS, charts pre-rendered to SVG, no script and
// no external resource, so it opens anywhere (artifact download, file://, offline) and stays fast.
import { release, type as osType } from 'node:os';
import { version } from '../../../package.json';
import type { Arm, RoundData, Verdict } from '../../types';
import { formatNs, formatPercent, formatThreshold } from '../../units';
import { formatP, levelText, placementLine, reasonSentence, resolutionText, tailLine } from '../text';
import { boxChart, ecdfChart, forestChart, tailEcdfChart, lagChart, lagDomain, sequentialChart, warmupChart } from './charts';
import { budgetRelative, reportData, type ArmSummary, type ReportData } from './data';
import { esc } from './escape';
import { legend } from './svg';
import { pageHead } from './style';
import { pointOfRecord, trendSection, type TrendPoint } from './trend';
import type { HistoryRecord } from '../../history/record';
import { analyseHistory } from '../../history/change-points';
import { outcomeOf } from '../../experiment/outcome';
import { runnerFacts, runtimeVersion } from '../../history/facts';
import { costSection } from '../../cost/html';

export interface ReportInput {
  rounds: RoundData[];
  verdict: Verdict;
  /** Extra environment rows (runtime details, config values); shown escaped, after the defaults. */
  environment?: Record<string, string>;
  /** The gate's history (Action runs with `history: on`): drawn as a trend with this run at the end. */
  history?: HistoryRecord[];
}

const HEADLINE = {
  regression: 'Regression',
  'within-budget': 'Within budget',
  'no-regression': 'No regression',
  inconclusive: 'Inconclusive',
} as const;

const ARMS: Arm[] = ['baseline', 'candidate'];

/** The default environment rows: where and with what this report was made. */
function defaultEnvironment(v: Verdict): Record<string, string> {
  return {
    runtime: v.runtime,
    mode: `${v.mode} benchmark`,
    'hook-latency': version,
    node: process.version,
    kernel: `${osType()} ${release()}`,
    platform: `${process.platform}/${process.arch}`,
    ...(v.placement ? { placement: placementLine(v.placement) } : {}),
  };
}

export function renderReport(input: ReportInput): string {
  const { rounds, verdict: v } = input;
  const data = reportData(rounds);
  const env = { ...defaultEnvironment(v), ...(input.environment ?? {}) };
  const title = `hook latency: ${outcomeOf(v)} (${formatPercent(v.shift.relative)})`;
  return [
    ...pageHead(title),
    '<h1>hook-latency report</h1>',
    headline(v),
    distributionSection(data, v),
    lagSection(data, v),
    shiftSection(data, v),
    sequentialSection(v),
    costSection(v.cost),
    input.history ? trendSection([...input.history.map(pointOfRecord), currentPoint(v)], undefined, analyseHistory(input.history).changePoints) : '',
    `<div class="grid row">${warmupSection(data, v)}${errorsSection(data, v)}</div>`,
    figuresSection(v, data),
    checksSection(v),
    environmentSection(env),
    `<footer>Generated ${esc(new Date().toISOString())} by hook-latency. Charts are drawn from reduced data where the input is large ` +
      `(ECDF on a quantile grid, lag plots on a random subset, outliers evenly sampled); every number is computed on all samples.</footer>`,
    '</main></body></html>',
    '',
  ].join('\n');
}

/** This run as a trend point: measured here, now (the report is rendered where the gate ran). */
function currentPoint(v: Verdict): TrendPoint {
  return { commit: '', date: new Date().toISOString(), runtime: v.runtime, runtimeVersion: runtimeVersion(v.runtime), runner: runnerFacts(), verdict: v.verdict, shift: v.shift, current: true };
}

function headline(v: Verdict): string {
  const [lo, hi] = v.shift.ci;
  const tiles: Array<[string, string]> = [
    [formatPercent(v.shift.relative), `shift (${formatNs(v.shift.ns)})`],
    [`${formatPercent(lo)} … ${formatPercent(hi)}`, `${levelText(v)} confidence interval`],
    [formatThreshold(v.threshold), 'budget'],
    [formatP(v.p), `p vs boundary ${formatP(v.looks.at(-1)?.boundaryP ?? NaN)}`],
    [`${(v.n.baseline + v.n.candidate).toLocaleString('en-US')}`, `samples in ${v.rounds} rounds`],
    [`${Math.round(v.power * 100)}%`, 'power for the planned effect'],
  ];
  return (
    `<header class="headline ${esc(v.verdict)}" data-verdict="${esc(v.verdict)}" data-outcome="${esc(outcomeOf(v))}">` +
    `<p class="verdict">${esc(HEADLINE[outcomeOf(v)] ?? v.verdict)}</p>` +
    `<p class="reason">${esc(reasonSentence(v))}</p>` +
    `<div class="figures">${tiles.map(([b, s]) => `<div class="figure"><b>${esc(b)}</b><span>${esc(s)}</span></div>`).join('')}</div>` +
    `</header>`
  );
}

const ARM_LEGEND = legend([
  { cls: 'baseline', label: 'baseline' },
  { cls: 'candidate', label: 'candidate (hooked)' },
]);

function distributionSection(d: ReportData, v: Verdict): string {
  const q = (a: Arm) => d.arms[a].quantiles;
  return (
    `<div class="grid row">` +
    card(
      'Latency distribution (ECDF)',
      ARM_LEGEND + ecdfChart(d.arms),
      `Fraction of requests at or below each latency, log scale. Medians: baseline ${formatNs(v.median.baseline)}, candidate ${formatNs(v.median.candidate)}. ` +
        `Only successful requests after the warm-up cut, from rounds that reached a steady state — the samples the test uses.`,
    ) +
    card(
      'Per arm: violin and box',
      ARM_LEGEND + boxChart(d.arms),
      `Box: quartiles and median; whiskers: Tukey (1.5 IQR); dots: outliers (${ARMS.map((a) => `${a} ${q(a).outliersLow + q(a).outliersHigh}`).join(', ')}). ` +
        `Violin: density of all samples on log-spaced bins.`,
    ) +
    `</div>` +
    tailSection(d, v)
  );
}

/** The ECDF's upper end, zoomed, with the tail test's result beside it. */
function tailSection(d: ReportData, v: Verdict): string {
  const level = v.tail?.quantile ?? 0.99;
  const what = v.tail ? `Tail test: ${tailLine(v)}.` : 'The tail test was off (tail: off); the p99 is marked.';
  return (
    `<div class="row">` +
    card(
      'The tail (upper end of the ECDF, zoomed)',
      ARM_LEGEND + tailEcdfChart(d.arms, level),
      `${what} A hook that stalls now and then shows here, as a candidate line to the right of the baseline above the marked level, while the median does not move.`,
    ) +
    `</div>`
  );
}

function lagSection(d: ReportData, v: Verdict): string {
  const dom = lagDomain(d.arms);
  return (
    `<section class="row"><h2>Lag plots: is each request independent of the one before?</h2>` +
    `<p class="note">latency[i+1] against latency[i] within each arm's series of one round, as in Kahlhofer et al. (SSP 2023). ` +
    `A round cloud means independent requests; a diagonal streak means autocorrelation, which the design-based test accounts for. ` +
    `Mean lag-1 autocorrelation of log latency: baseline ${fixed(v.lag1.baseline)}, candidate ${fixed(v.lag1.candidate)}.</p>` +
    `<div class="grid3">` +
    ARMS.map((a) => card(`${a}`, lagChart(a, d.arms[a], dom, v.lag1[a]), lagCaption(d.arms[a]))).join('') +
    `</div></section>`
  );
}

function lagCaption(s: ArmSummary): string {
  return s.lag.x.length < s.lag.total
    ? `${s.lag.x.length.toLocaleString('en-US')} of ${s.lag.total.toLocaleString('en-US')} consecutive pairs, a uniform random subset (drawing only). Dashed: latency[i+1] = latency[i].`
    : `All ${s.lag.total.toLocaleString('en-US')} consecutive pairs. Dashed: latency[i+1] = latency[i].`;
}

function shiftSection(d: ReportData, v: Verdict): string {
  const budget = budgetRelative(v);
  const budgetText = 'relative' in v.threshold ? formatThreshold(v.threshold) : `${formatThreshold(v.threshold)} ≈ ${formatPercent(budget)} of the baseline median`;
  return (
    `<section class="row"><h2>Shift per round, pooled, against the budget</h2>` +
    legend([
      { cls: 'pooled', label: 'round estimate and interval', shape: 'dot' },
      { cls: 'pooled', label: 'pooled estimate with the verdict’s interval (diamond)', shape: 'line' },
      { cls: 'budget', label: `budget ${budgetText}`, shape: 'dash' },
      { cls: 'muted', label: 'no change', shape: 'dash' },
    ]) +
    forestChart(d.perRound, v, d.roundLevel, d.warmup.filter((r) => !r.valid).map((r) => r.round)) +
    `<p class="note">Each round is a fresh pair of instances: the experimental unit. Per-round intervals are descriptive ${Math.round(d.roundLevel * 100)}% intervals ` +
    `(the round's Mann-Whitney score inverted, variance inflated for lag-1 autocorrelation). The pooled interval is the one the verdict uses ` +
    `(stratified test inverted at the final look's boundary, a repeated confidence interval at level ${levelText(v)}): ${formatPercent(v.shift.ci[0])} … ${formatPercent(v.shift.ci[1])}.</p>` +
    `</section>`
  );
}

function sequentialSection(v: Verdict): string {
  return (
    `<section class="row"><h2>Sequential path</h2>` +
    legend([
      { cls: 'pooled', label: 'test statistic per look', shape: 'line' },
      { cls: 'budget', label: 'boundary (O’Brien-Fleming-type alpha spending)', shape: 'line' },
      { cls: 'muted', label: `planned size (${Math.round(v.plannedRequests).toLocaleString('en-US')} requests)`, shape: 'dash' },
    ]) +
    sequentialChart(v.looks, v.plannedRequests) +
    `<p class="note">${v.looks.length} look${v.looks.length === 1 ? '' : 's'}. The statistic is the normal score of each look's p (design-based, budget-shifted), ` +
    `so crossing the boundary is exactly the stopping rule. Final Z ${fixed(v.z)}, boundary ${fixed(v.boundary)}, alpha ${v.alpha}.</p>` +
    `</section>`
  );
}

function warmupSection(d: ReportData, v: Verdict): string {
  const invalid = d.warmup.filter((r) => !r.valid).map((r) => r.round);
  return card(
    'Warm-up cut per round',
    legend([
      { cls: 'warm', label: 'requests removed (MSER-5)', shape: 'dot' },
      { cls: 'invalid', label: 'round never reached a steady state (left out)', shape: 'dot' },
    ]) + warmupChart(d.warmup),
    `${v.warmup.removed.toLocaleString('en-US')} requests removed in all. ` +
      (invalid.length ? `Rounds left out: ${esc(invalid.join(', '))}.` : 'Every round reached a steady state.'),
  );
}

function errorsSection(d: ReportData, v: Verdict): string {
  const rows = ARMS.map((a) => {
    const s = d.arms[a];
    const rate = s.requests ? s.errors / s.requests : 0;
    return (
      `<tr><th class="${a === 'baseline' ? 'arm-b' : 'arm-c'}">${a}</th><td class="num">${s.requests.toLocaleString('en-US')}</td>` +
      `<td class="num" data-errors="${s.errors}">${s.errors.toLocaleString('en-US')}</td><td class="num">${(rate * 100).toFixed(2)}%</td>` +
      `<td class="num">${s.transportErrors}</td><td class="num">${s.serverErrors}</td><td class="num">${v.errors[a]}</td></tr>`
    );
  }).join('');
  return (
    `<figure class="card" data-section="errors"><h2>Errors</h2>` +
    `<table><thead><tr><th></th><th class="num">requests</th><th class="num">errors</th><th class="num">rate</th><th class="num">transport</th><th class="num">5xx</th><th class="num">in verdict</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>` +
    `<figcaption>Errors (transport errors and 5xx) are counted per arm and never enter the latency statistics; ` +
    `a significantly higher error rate of the candidate is itself a regression.</figcaption></figure>`
  );
}

function figuresSection(v: Verdict, d: ReportData): string {
  const last = v.looks.at(-1);
  const rows: Array<[string, string]> = [
    ['verdict', `${outcomeOf(v)} — ${v.reason}`],
    ['shift (candidate vs baseline)', `${formatPercent(v.shift.relative)} (${formatNs(v.shift.ns)})`],
    [`${levelText(v)} confidence interval (repeated, at the final look)`, `${formatPercent(v.shift.ci[0])} … ${formatPercent(v.shift.ci[1])} (${formatNs(v.shift.ciNs[0])} … ${formatNs(v.shift.ciNs[1])})`],
    ['budget', formatThreshold(v.threshold)],
    ['smallest slowdown this run would have called a regression', resolutionText(v)],
    ['p (design-based)', `${formatP(v.p)} vs boundary ${formatP(last?.boundaryP ?? NaN)}`],
    ['Z', `${fixed(v.z)} vs boundary ${fixed(v.boundary)}`],
    ['i.i.d. Mann-Whitney p (comparison only)', formatP(v.iidP)],
    ['alpha', String(v.alpha)],
    ['median', `baseline ${formatNs(v.median.baseline)}, candidate ${formatNs(v.median.candidate)}`],
    ['p99', `baseline ${formatNs(d.arms.baseline.quantiles.p99)}, candidate ${formatNs(d.arms.candidate.quantiles.p99)}`],
    ['samples', `baseline ${v.n.baseline.toLocaleString('en-US')}, candidate ${v.n.candidate.toLocaleString('en-US')} (of ${d.totalRequests.toLocaleString('en-US')} requests recorded)`],
    ['rounds, looks', `${v.rounds} rounds, ${v.looks.length} look${v.looks.length === 1 ? '' : 's'}`],
    ['planned size', `${Math.round(v.plannedRequests).toLocaleString('en-US')} requests`],
    ['power for the planned effect', `${Math.round(v.power * 100)}%`],
    ['lag-1 autocorrelation', `baseline ${fixed(v.lag1.baseline)}, candidate ${fixed(v.lag1.candidate)}`],
    ['warm-up removed', `${v.warmup.removed} requests${v.warmup.invalidRounds.length ? `; rounds not steady: ${v.warmup.invalidRounds.join(', ')}` : ''}`],
    ['errors', `baseline ${v.errors.baseline}, candidate ${v.errors.candidate}`],
  ];
  if (v.durationMs !== undefined) rows.push(['duration', `${(v.durationMs / 1000).toFixed(1)} s`]);
  return `<section class="row" data-section="figures"><h2>Key figures</h2>${kvTable(rows)}</section>`;
}

function fixed(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : 'n/a';
}

function checksSection(v: Verdict): string {
  const body = v.checks.length
    ? `<table><thead><tr><th>status</th><th>check</th><th>detail</th></tr></thead><tbody>` +
      v.checks
        .map(
          (c) =>
            `<tr data-check="${esc(c.id)}"><td><span class="pill ${esc(c.status)}">${esc(c.status)}</span></td><td><code>${esc(c.id)}</code></td><td>${esc(c.detail)}</td></tr>`,
        )
        .join('') +
      `</tbody></table>`
    : `<p class="note">No environment checks were recorded for this run.</p>`;
  return `<section class="row" data-section="checks"><h2>Checks</h2>${body}</section>`;
}

function environmentSection(env: Record<string, string>): string {
  return `<section class="row" data-section="environment"><h2>Environment</h2>${kvTable(Object.entries(env).map(([k, val]) => [k, String(val)]), true)}</section>`;
}

function kvTable(rows: Array<[string, string]>, code = false): string {
  return (
    `<table class="kv"><tbody>` +
    rows.map(([k, val]) => `<tr><th>${esc(k)}</th><td>${code ? `<code>${esc(val)}</code>` : esc(val)}</td></tr>`).join('') +
    `</tbody></table>`
  );
}

function card(title: string, content: string, caption: string): string {
  return `<figure class="card"><h2>${esc(title)}</h2>${content}<figcaption>${caption}</figcaption></figure>`;
}
