// The trend chart of a gate's history: per record the shift in ns with its interval, in file (time)
// order; spans measured under the same conditions (runtime, runner CPU model, vCPUs) are shaded and
// lettered, with a dashed line and a label where the conditions change, and a dotted line at the
// span's median. The absolute figures of two spans are not comparable: a new runner type moves them.
// A change point (src/history/change-points.ts) is a solid line with its size and commit range, and
// the level before and after it as dashed lines.
import type { ChangePoint } from '../../history/change-points';
import { conditionsLabel, environmentChanges, sameConditions, sameRunnerType, type Conditions } from '../../history/conditions';
import { signedNs } from '../../history/trend';
import type { HistoryRecord } from '../../history/record';
import { medianSorted } from '../../stats/quantile';
import { formatNs, formatPercent } from '../../units';
import { esc } from './escape';
import { fmt, frame, legend, linearScale, linearTicks } from './svg';

/** One point of the chart: a history record, or the run this report is about. */
export interface TrendPoint extends Conditions {
  commit: string;
  date: string;
  verdict: HistoryRecord['verdict'];
  shift: HistoryRecord['shift'];
  /** The run of this report (drawn apart, in the candidate colour). */
  current?: boolean;
}

export interface Span {
  letter: string;
  from: number;
  to: number;
  conditions: Conditions;
}

/** What a span boundary changed: the environment facts, or the runner type as a whole. */
export function spanChange(before: Span, after: Span): string {
  return sameRunnerType(before.conditions, after.conditions) ? environmentChanges(before.conditions, after.conditions).join('; ') : conditionsLabel(after.conditions);
}

/** Consecutive points under the same conditions, lettered A, B, ... (then A2, B2, ...). */
export function spans(points: TrendPoint[]): Span[] {
  const out: Span[] = [];
  points.forEach((p, i) => {
    const last = out.at(-1);
    if (last && sameConditions(last.conditions, p)) last.to = i;
    else out.push({ letter: spanLetter(out.length), from: i, to: i, conditions: { runtime: p.runtime, runtimeVersion: p.runtimeVersion, runner: p.runner } });
  });
  return out;
}

function spanLetter(i: number): string {
  return String.fromCharCode(65 + (i % 26)) + (i >= 26 ? String(Math.floor(i / 26) + 1) : '');
}

export function trendChart(points: TrendPoint[], changePoints: ChangePoint[] = []): string {
  const width = 1200;
  const height = 400;
  const m = { top: 30, right: 18, bottom: 48, left: 76 };
  const n = points.length;
  const ends = points.flatMap((p) => [p.shift.ns, ...p.shift.ciNs]).filter(Number.isFinite);
  const lo = Math.min(0, ...ends);
  const hi = Math.max(0, ...ends);
  const pad = Math.max(hi - lo, 1) * 0.06;
  const y = linearScale([lo - pad, hi + pad], [height - m.bottom, m.top]);
  const x = linearScale([-0.5, Math.max(n - 0.5, 0.5)], [m.left, width - m.right]);
  const step = x(1) - x(0);
  const [y0, y1] = [y.range[0], y.range[1]];
  const clampY = (v: number) => (Number.isFinite(v) ? y(v) : v > 0 ? y1 : y0);
  const parts: string[] = [`<path class="ref" d="M${fmt(x.range[0])} ${fmt(y(0))}H${fmt(x.range[1])}"/>`];
  const labels: string[] = [];
  const all = spans(points);
  for (const [k, s] of all.entries()) {
    const a = x(s.from - 0.5);
    const b = x(s.to + 0.5);
    parts.push(`<rect class="span ${k % 2 ? 'odd' : 'even'}" data-span="${esc(s.letter)}" x="${fmt(a)}" y="${fmt(y1)}" width="${fmt(b - a)}" height="${fmt(y0 - y1)}"/>`);
    if (k > 0) parts.push(`<path class="change" data-change="${esc(s.letter)}" d="M${fmt(a)} ${fmt(y1)}V${fmt(y0)}"/>`);
    const med = medianSorted(
      points
        .slice(s.from, s.to + 1)
        .filter((p) => !p.current)
        .map((p) => p.shift.ns)
        .filter(Number.isFinite)
        .sort((p, q) => p - q),
    );
    if (Number.isFinite(med)) parts.push(`<path class="span-median" d="M${fmt(a)} ${fmt(y(med))}H${fmt(b)}"/>`);
    const what = k === 0 ? conditionsLabel(s.conditions) : spanChange(all[k - 1]!, s);
    const text = b - a > 260 ? `${s.letter}: ${what}` : s.letter;
    labels.push(`<text class="tick strong" data-span-label="${esc(s.letter)}" x="${fmt(a + 4)}" y="${fmt(m.top - 10)}"><title>${esc(what)}</title>${esc(text.slice(0, 90))}</text>`);
  }
  // Labels alternate between two rows so that close change points stay readable.
  changePoints.forEach((c, k) => parts.push(changePointMark(c, x, y, [y0, y1], n, y1 + 14 + (k % 2) * 14)));
  let ci = '';
  const dots: Record<string, string> = {};
  const hits: string[] = [];
  points.forEach((p, i) => {
    const cx = fmt(x(i));
    if (!Number.isNaN(p.shift.ciNs[0]) && !Number.isNaN(p.shift.ciNs[1])) ci += `M${cx} ${fmt(clampY(p.shift.ciNs[0]))}V${fmt(clampY(p.shift.ciNs[1]))}`;
    const cls = p.current ? 'current' : p.verdict;
    if (Number.isFinite(p.shift.ns)) dots[cls] = (dots[cls] ?? '') + `M${cx} ${fmt(y(p.shift.ns))}h0`;
    hits.push(
      `<rect class="hit" x="${fmt(x(i) - step / 2)}" y="${fmt(y1)}" width="${fmt(step)}" height="${fmt(y0 - y1)}"><title>${esc(pointTitle(p))}</title></rect>`,
    );
  });
  parts.push(`<path class="ci" d="${ci}"/>`);
  for (const [cls, d] of Object.entries(dots)) {
    const count = d.split('M').length - 1;
    parts.push(`<path class="dots trend ${esc(cls)}" data-points="${count}" d="${d}" style="stroke-width:${fmt(Math.max(5, Math.min(10, step * 0.55)))}px"/>`);
  }
  const tickEvery = Math.max(1, Math.ceil(n / 10));
  // Every tickEvery-th record, and this run (last) always, without crowding the tick before it.
  const xTicks = Array.from({ length: n }, (_, i) => i).filter((i) =>
    points[n - 1]?.current ? i === n - 1 || (i % tickEvery === 0 && n - 1 - i >= Math.max(2, tickEvery / 2)) : i % tickEvery === 0,
  );
  const svg = frame(
    {
      id: 'trend',
      width,
      height,
      margin: m,
      x,
      y,
      xTicks,
      yTicks: linearTicks(y.domain, 6),
      xFormat: (i) => (points[i]?.current ? 'this run' : (points[i]?.date ?? '').slice(0, 10)),
      yFormat: (v) => formatNs(v),
      xLabel: 'records in the order they were written (date of the run)',
      yLabel: 'shift, candidate vs baseline',
      title: 'The shift over time, per record, with its interval',
      desc: `${n} records in ${spans(points).length} span(s) of equal runtime and runner; shift in ns with confidence interval per record.`,
      xGrid: false,
    },
    parts.join('') + hits.join(''),
  );
  return svg.replace(/<\/svg>$/, `${labels.join('')}</svg>`);
}

/** The change point's line, its level before and after, and a label with its size and commit range. */
function changePointMark(c: ChangePoint, x: (v: number) => number, y: (v: number) => number, [y0, y1]: [number, number], n: number, labelY: number): string {
  const at = x(c.index - 0.5);
  const label = `${signedNs(c.shift)} since ${changeRange(c)}`;
  const title = `change point at record ${c.index}: ${label}; level ${signedNs(c.before)} → ${signedNs(c.after)}, 95% interval ${formatNs(c.ci[0])} … ${formatNs(c.ci[1])}, p = ${c.p.toFixed(3)}${c.environment.length ? `; with an environment change (${c.environment.join('; ')})` : ''}`;
  const levels = [`M${fmt(x(Math.max(-0.5, c.index - 6)))} ${fmt(y(c.before))}H${fmt(at)}`, `M${fmt(at)} ${fmt(y(c.after))}H${fmt(x(Math.min(n - 0.5, c.index + 5.5)))}`];
  return (
    `<g data-changepoint="${c.index}"><title>${esc(title)}</title><path class="changepoint" d="M${fmt(at)} ${fmt(y1)}V${fmt(y0)}"/>` +
    `<path class="level" d="${levels.join('')}"/><text class="tick changepoint-label" x="${fmt(at + 4)}" y="${fmt(labelY)}">${esc(label)}</text></g>`
  );
}

/** "a1b2c3d…d4e5f6a": the last commit before the change and the first after it. */
export function changeRange(c: ChangePoint): string {
  return `${c.range[0].slice(0, 7)}…${c.range[1].slice(0, 7)}`;
}

function pointTitle(p: TrendPoint): string {
  const [a, b] = p.shift.ciNs;
  return (
    `${p.current ? 'this run' : p.commit.slice(0, 7)} · ${p.date.slice(0, 10)} · ${signedNs(p.shift.ns)} [${formatNs(a)}, ${formatNs(b)}] ` +
    `(${formatPercent(p.shift.relative)}) · ${p.verdict} · ${conditionsLabel(p)}`
  );
}

export function pointOfRecord(r: HistoryRecord): TrendPoint {
  return { commit: r.commit, date: r.date, runtime: r.runtime, runtimeVersion: r.runtimeVersion, runner: r.runner, verdict: r.verdict, shift: r.shift };
}

/** The chart with its legend, the spans named, and a table of the newest records. */
export function trendSection(points: TrendPoint[], heading = 'History: the shift over time', changePoints: ChangePoint[] = []): string {
  if (points.length === 0) {
    return `<section class="row" data-section="trend"><h2>${esc(heading)}</h2><p class="note">No records yet.</p></section>`;
  }
  const all = spans(points);
  return (
    `<section class="row" data-section="trend"><h2>${esc(heading)}</h2>` +
    legend([
      { cls: 'pooled', label: 'shift per record with its interval', shape: 'dot' },
      { cls: 'invalid', label: 'a regression verdict', shape: 'dot' },
      ...(points.some((p) => p.current) ? [{ cls: 'candidate', label: 'this run', shape: 'dot' as const }] : []),
      { cls: 'muted', label: 'median of the span', shape: 'dash' },
      { cls: 'warn', label: 'runtime, runner or environment changed', shape: 'dash' },
      { cls: 'bad', label: 'change point (E-divisive), with the level before and after', shape: 'dash' },
    ]) +
    trendChart(points, changePoints) +
    `<p class="note">Spans: ${all.map((s, k) => `<b>${esc(s.letter)}</b> ${esc(k === 0 ? conditionsLabel(s.conditions) : spanChange(all[k - 1]!, s))} (${s.to - s.from + 1} record${s.to === s.from ? '' : 's'})`).join('; ')}. ` +
    `Absolute figures are comparable only within a span: a different runtime or runner type moves them. ` +
    `The gate never compares records with each other; it compares two arms measured in the same run.</p>` +
    changePointsNote(changePoints) +
    recordsTable(points) +
    `</section>`
  );
}

function changePointsNote(changePoints: ChangePoint[]): string {
  if (changePoints.length === 0) return `<p class="note" data-changepoints="0">No change points (E-divisive, p ≤ 0.05) in any span.</p>`;
  const items = changePoints.map(
    (c) =>
      `<li>record ${c.index}: <b>${esc(signedNs(c.shift))}</b> since <code>${esc(changeRange(c))}</code>, level ${esc(signedNs(c.before))} → ${esc(signedNs(c.after))} ` +
      `(95% interval ${esc(formatNs(c.ci[0]))} … ${esc(formatNs(c.ci[1]))})${c.environment.length ? ` — with an environment change: ${esc(c.environment.join('; '))}` : ''}</li>`,
  );
  return `<p class="note" data-changepoints="${changePoints.length}">Change points (E-divisive, p ≤ 0.05):</p><ul>${items.join('')}</ul>`;
}

const TABLE_ROWS = 60;

function recordsTable(points: TrendPoint[]): string {
  const letters = new Map<number, string>();
  for (const s of spans(points)) for (let i = s.from; i <= s.to; i++) letters.set(i, s.letter);
  const rows = points
    .map((p, i) => ({ p, i }))
    .reverse()
    .slice(0, TABLE_ROWS)
    .map(
      ({ p, i }) =>
        `<tr data-record="${i}"><td>${esc(p.current ? 'this run' : p.date.slice(0, 16).replace('T', ' '))}</td><td><code>${esc(p.current ? '' : p.commit.slice(0, 7))}</code></td>` +
        `<td>${esc(letters.get(i) ?? '')}</td><td>${esc(p.verdict)}</td><td class="num">${esc(signedNs(p.shift.ns))}</td>` +
        `<td class="num">${esc(`${formatNs(p.shift.ciNs[0])} … ${formatNs(p.shift.ciNs[1])}`)}</td><td class="num">${esc(formatPercent(p.shift.relative))}</td></tr>`,
    )
    .join('');
  const more = points.length > TABLE_ROWS ? `<p class="note">The newest ${TABLE_ROWS} of ${points.length} records.</p>` : '';
  return (
    `<table data-table="records"><thead><tr><th>date (UTC)</th><th>commit</th><th>span</th><th>verdict</th><th class="num">shift</th><th class="num">interval</th><th class="num">relative</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>${more}`
  );
}
