// The report's charts as SVG strings. Inputs are already reduced for drawing (data.ts): the size
// of every chart is bounded whatever the number of samples.
import { normalQuantile } from '../../stats';
import type { Arm, LookRecord, Verdict } from '../../types';
import { formatNs, formatPercent } from '../../units';
import { budgetRelative, ecdfPoints, logDensity, spread, type ArmSummary, type RoundShift, type WarmupRound, OUTLIERS_DRAWN } from './data';
import { esc } from './escape';
import { fmt, frame, linePath, linearScale, linearTicks, logScale, logTicks, pointsPath } from './svg';

const ARMS: Arm[] = ['baseline', 'candidate'];
const M = { top: 14, right: 18, bottom: 44, left: 64 };

function empty(id: string, title: string, why: string, width = 640, height = 120): string {
  return (
    `<svg class="chart" data-chart="${esc(id)}" data-empty="true" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg">` +
    `<text class="label" x="${width / 2}" y="${height / 2}" text-anchor="middle">${esc(why)}</text></svg>`
  );
}

function latencyDomain(arms: Record<Arm, ArmSummary>): [number, number] | null {
  const lo = Math.min(...ARMS.map((a) => arms[a].quantiles.min).filter(Number.isFinite));
  const hi = Math.max(...ARMS.map((a) => arms[a].quantiles.max).filter(Number.isFinite));
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return null;
  return [lo / 1.05, hi * 1.05];
}

/** ECDF of both arms on a log latency axis. */
export function ecdfChart(arms: Record<Arm, ArmSummary>): string {
  const dom = latencyDomain(arms);
  if (!dom) return empty('ecdf', 'ECDF', 'no valid samples');
  const width = 640;
  const height = 360;
  const x = logScale(dom, [M.left, width - M.right]);
  const y = linearScale([0, 1], [height - M.bottom, M.top]);
  let body = '';
  for (const a of ARMS) {
    const { x: xs, p } = ecdfPoints(arms[a].sorted);
    // Steps: the ECDF is right-continuous; draw horizontal then vertical between grid points.
    let d = '';
    for (let i = 0; i < xs.length; i++) {
      const px = fmt(x(xs[i]));
      d += i === 0 ? `M${px} ${fmt(y(0))}V${fmt(y(p[i]))}` : `H${px}V${fmt(y(p[i]))}`;
    }
    body += `<path class="line ${a}" data-arm="${a}" data-points="${xs.length}" d="${d}"/>`;
    const med = arms[a].quantiles.median;
    body += `<path class="median-mark ${a}" d="M${fmt(x(med))} ${fmt(y(0))}V${fmt(y(0.5))}"/>`;
  }
  body += `<path class="ref" d="M${fmt(x.range[0])} ${fmt(y(0.5))}H${fmt(x.range[1])}"/>`;
  return frame(
    {
      id: 'ecdf',
      width,
      height,
      margin: M,
      x,
      y,
      xTicks: logTicks(x.domain),
      yTicks: linearTicks([0, 1], 5),
      xFormat: formatNs,
      yFormat: (v) => `${Math.round(v * 100)}%`,
      xLabel: 'latency (log scale)',
      yLabel: 'fraction of requests ≤ latency',
      title: 'Empirical CDF of latency, baseline and candidate',
      desc: `Baseline median ${formatNs(arms.baseline.quantiles.median)}, candidate median ${formatNs(arms.candidate.quantiles.median)}.`,
    },
    body,
  );
}

/** Points drawn per arm in the zoomed upper end of the ECDF. */
const TAIL_POINTS = 1000;

/** The ECDF's upper end, zoomed: from 1 - 5 (1 - level) to 1, with the tail level marked (the tail test's quantile). */
export function tailEcdfChart(arms: Record<Arm, ArmSummary>, level: number): string {
  const from = Math.max(0, 1 - 5 * (1 - level));
  const lows = ARMS.map((a) => tailStart(arms[a].sorted, from)).filter(Number.isFinite);
  const highs = ARMS.map((a) => arms[a].quantiles.max).filter(Number.isFinite);
  if (!lows.length || !highs.length) return empty('tail-ecdf', 'ECDF upper end', 'no valid samples');
  const width = 640;
  const height = 300;
  const x = logScale([Math.min(...lows) / 1.02, Math.max(...highs) * 1.05], [M.left, width - M.right]);
  const y = linearScale([from, 1], [height - M.bottom, M.top]);
  let body = '';
  for (const a of ARMS) body += `<path class="line ${a}" data-arm="${a}" d="${tailSteps(arms[a].sorted, from, x, y)}"/>`;
  body += `<path class="ref" data-level="${level}" d="M${fmt(x.range[0])} ${fmt(y(level))}H${fmt(x.range[1])}"/>`;
  const pct = (p: number) => `${+(p * 100).toFixed(2)}%`;
  return frame(
    {
      id: 'tail-ecdf',
      width,
      height,
      margin: M,
      x,
      y,
      xTicks: logTicks(x.domain),
      yTicks: linearTicks([from, 1], 5),
      xFormat: formatNs,
      yFormat: pct,
      xLabel: 'latency (log scale)',
      yLabel: 'fraction of requests ≤ latency',
      title: `Upper end of the ECDF from ${pct(from)}, baseline and candidate, the tail level ${pct(level)} marked`,
      desc: `The requests above ${pct(from)} of each arm; the line at ${pct(level)} is the tail test's quantile level.`,
    },
    body,
  );
}

function tailStart(sorted: Float64Array, from: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(from * sorted.length))]! : NaN;
}

/** Steps of one arm's ECDF above `from`, at most TAIL_POINTS of them (evenly by rank, the largest always). */
function tailSteps(sorted: Float64Array, from: number, x: (v: number) => number, y: (v: number) => number): string {
  const n = sorted.length;
  const first = Math.min(n - 1, Math.floor(from * n));
  const step = Math.max(1, Math.ceil((n - first) / TAIL_POINTS));
  let d = `M${fmt(x(sorted[first]!))} ${fmt(y(from))}`;
  const ranks: number[] = [];
  for (let i = first; i < n; i += step) ranks.push(i);
  if (ranks.at(-1) !== n - 1) ranks.push(n - 1);
  for (const i of ranks) d += `H${fmt(x(sorted[i]!))}V${fmt(y((i + 1) / n))}`;
  return d;
}

/** Violin (log-binned density of all samples) with a Tukey box plot inside, one row per arm. */
export function boxChart(arms: Record<Arm, ArmSummary>): string {
  const dom = latencyDomain(arms);
  if (!dom) return empty('box', 'Box plot', 'no valid samples');
  const width = 640;
  const height = 280;
  const x = logScale(dom, [M.left + 30, width - M.right]);
  const rowH = (height - M.top - M.bottom) / 2;
  const y = linearScale([0, 2], [M.top, height - M.bottom]);
  const bins = 80;
  const dens = ARMS.map((a) => logDensity(arms[a].sorted, x.domain[0], x.domain[1], bins));
  let body = '';
  ARMS.forEach((a, row) => {
    const q = arms[a].quantiles;
    const cy = y(row + 0.5);
    const d = dens[row];
    const max = Math.max(...d);
    if (max > 0) {
      const half = rowH * 0.42;
      const l0 = Math.log(x.domain[0]);
      const w = (Math.log(x.domain[1]) - l0) / bins;
      const top: string[] = [];
      const bottom: string[] = [];
      for (let i = 0; i < bins; i++) {
        const px = fmt(x(Math.exp(l0 + (i + 0.5) * w)));
        const h = (d[i] / max) * half;
        top.push(`${px} ${fmt(cy - h)}`);
        bottom.unshift(`${px} ${fmt(cy + h)}`);
      }
      body += `<path class="violin ${a}" d="M${top.join('L')}L${bottom.join('L')}Z"/>`;
    }
    const bh = rowH * 0.16;
    body +=
      `<g class="box ${a}" data-arm="${a}">` +
      `<path class="whisker" d="M${fmt(x(q.whiskerLow))} ${fmt(cy)}H${fmt(x(q.q1))}M${fmt(x(q.q3))} ${fmt(cy)}H${fmt(x(q.whiskerHigh))}` +
      `M${fmt(x(q.whiskerLow))} ${fmt(cy - bh / 2)}v${fmt(bh)}M${fmt(x(q.whiskerHigh))} ${fmt(cy - bh / 2)}v${fmt(bh)}"/>` +
      `<rect x="${fmt(x(q.q1))}" y="${fmt(cy - bh)}" width="${fmt(Math.max(1, x(q.q3) - x(q.q1)))}" height="${fmt(2 * bh)}" rx="2"/>` +
      `<path class="median" d="M${fmt(x(q.median))} ${fmt(cy - bh)}V${fmt(cy + bh)}"/>` +
      `<title>${esc(`${a}: median ${formatNs(q.median)}, IQR ${formatNs(q.q1)} – ${formatNs(q.q3)}, whiskers ${formatNs(q.whiskerLow)} – ${formatNs(q.whiskerHigh)}, ${q.outliersLow + q.outliersHigh} outliers of ${q.n}`)}</title>` +
      `</g>`;
    // Outliers: drawn evenly spread from the sorted data (the full counts are in the table).
    const s = arms[a].sorted;
    const lowOut = spread(s, 0, q.outliersLow, OUTLIERS_DRAWN);
    const highOut = spread(s, s.length - q.outliersHigh, s.length, OUTLIERS_DRAWN);
    const outs = [...lowOut, ...highOut];
    body += pointsPath(
      outs.map((v) => x(v)),
      outs.map(() => cy),
      `outlier ${a}`,
      ` data-arm="${a}"`,
    );
    body += `<text class="rowlabel ${a}" x="${M.left - 6}" y="${fmt(cy)}" dy="0.32em" text-anchor="end">${a}</text>`;
  });
  return frame(
    {
      id: 'box',
      width,
      height,
      margin: M,
      x,
      y,
      xTicks: logTicks(x.domain),
      yTicks: [],
      xFormat: formatNs,
      yFormat: () => '',
      xLabel: 'latency (log scale)',
      title: 'Violin and box plot of latency per arm',
      desc: ARMS.map((a) => `${a}: median ${formatNs(arms[a].quantiles.median)}, interquartile range ${formatNs(arms[a].quantiles.q1)} to ${formatNs(arms[a].quantiles.q3)}`).join('; '),
    },
    body,
  );
}

/** Lag plot of one arm: latency[i+1] against latency[i], log-log, shared domain for both arms. */
export function lagChart(arm: Arm, s: ArmSummary, domain: [number, number] | null, r1: number): string {
  if (!domain || s.lag.x.length === 0) return empty(`lag-${arm}`, `Lag plot ${arm}`, 'not enough samples');
  const width = 520;
  const height = 500;
  const m = { top: 14, right: 14, bottom: 44, left: 64 };
  const x = logScale(domain, [m.left, width - m.right]);
  const y = logScale(domain, [height - m.bottom, m.top]);
  const body =
    `<path class="ref" d="M${fmt(x(domain[0]))} ${fmt(y(domain[0]))}L${fmt(x(domain[1]))} ${fmt(y(domain[1]))}"/>` +
    pointsPath(
      Array.from(s.lag.x, (v) => x(v)),
      Array.from(s.lag.y, (v) => y(v)),
      `dots ${arm}`,
      ` data-arm="${arm}"`,
    );
  const shown = s.lag.x.length < s.lag.total ? `${s.lag.x.length} of ${s.lag.total} pairs (uniform random subset)` : `all ${s.lag.total} pairs`;
  return frame(
    {
      id: `lag-${arm}`,
      width,
      height,
      margin: m,
      x,
      y,
      xTicks: logTicks(x.domain),
      yTicks: logTicks(y.domain),
      xFormat: formatNs,
      yFormat: formatNs,
      xLabel: 'latency[i]',
      yLabel: 'latency[i+1]',
      title: `Lag plot, ${arm}: consecutive latencies of the same arm`,
      desc: `${shown}; lag-1 autocorrelation of log latency ${Number.isFinite(r1) ? r1.toFixed(2) : 'n/a'}.`,
    },
    body,
  );
}

export function lagDomain(arms: Record<Arm, ArmSummary>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of ARMS) {
    const { x, y } = arms[a].lag;
    for (let i = 0; i < x.length; i++) {
      lo = Math.min(lo, x[i], y[i]);
      hi = Math.max(hi, x[i], y[i]);
    }
  }
  return Number.isFinite(lo) ? [lo / 1.05, hi * 1.05] : null;
}

/** Forest plot: per-round shift with interval, the pooled estimate with the verdict's CI, the budget. */
export function forestChart(valid: RoundShift[], v: Verdict, level: number, invalid: number[] = []): string {
  if (valid.length === 0) return empty('forest', 'Per-round shift', 'no valid rounds', 1200);
  // Rounds left out (never steady) keep their row, labelled, so the round numbers read in order.
  const rounds: RoundShift[] = [...valid, ...invalid.map((round) => ({ round, relative: NaN, ci: [NaN, NaN] as [number, number], n: 0 }))].sort(
    (a, b) => a.round - b.round,
  );
  const width = 1200;
  const rowH = Math.max(3, Math.min(18, 560 / rounds.length));
  const m = { top: 14, right: 18, bottom: 44, left: 84 };
  const pooledGap = 30;
  const height = Math.round(m.top + rowH * rounds.length + pooledGap + m.bottom);
  const budget = budgetRelative(v);
  const pts = rounds.map((r) => r.relative).filter(Number.isFinite);
  const core = [...pts, 0, v.shift.relative, ...v.shift.ci, Number.isFinite(budget) ? budget : 0].filter(Number.isFinite);
  let lo = Math.min(...core);
  let hi = Math.max(...core);
  const span = Math.max(hi - lo, 0.01);
  const ends = rounds.flatMap((r) => r.ci).filter(Number.isFinite);
  lo = Math.max(lo - span, Math.min(lo, ...ends)) - span * 0.05;
  hi = Math.min(hi + span, Math.max(hi, ...ends)) + span * 0.05;
  const x = linearScale([lo, hi], [m.left, width - m.right]);
  const plotBottom = m.top + rowH * rounds.length + pooledGap;
  const y = linearScale([0, 1], [m.top, plotBottom]);
  const rowY = (i: number) => m.top + rowH * (i + 0.5);
  const [x0, x1] = x.range;
  const clamp = (px: number) => Math.min(x1, Math.max(x0, px));
  let ci = '';
  let dots = '';
  const rowsSvg: string[] = [];
  const labelEvery = Math.ceil(12 / rowH);
  rounds.forEach((r, i) => {
    const cy = fmt(rowY(i));
    if (r.n === 0) {
      if (rowH >= 10) rowsSvg.push(`<text class="tick" x="${m.left + 8}" y="${cy}" dy="0.32em">round ${r.round}: left out, never reached a steady state</text>`);
      if (i % labelEvery === 0) rowsSvg.push(`<text class="tick" x="${m.left - 6}" y="${cy}" dy="0.32em" text-anchor="end">round ${r.round}</text>`);
      return;
    }
    const a = Number.isFinite(r.ci[0]) ? clamp(x(r.ci[0])) : x0;
    const b = Number.isFinite(r.ci[1]) ? clamp(x(r.ci[1])) : x1;
    ci += `M${fmt(a)} ${cy}H${fmt(b)}`;
    if (Number.isFinite(r.relative)) dots += `M${fmt(x(r.relative))} ${cy}h0`;
    if (i % labelEvery === 0) rowsSvg.push(`<text class="tick" x="${m.left - 6}" y="${cy}" dy="0.32em" text-anchor="end">round ${r.round}</text>`);
    if (rounds.length <= 80) {
      rowsSvg.push(
        `<rect class="hit" x="${x0}" y="${fmt(rowY(i) - rowH / 2)}" width="${fmt(x1 - x0)}" height="${fmt(rowH)}"><title>${esc(
          `round ${r.round}: ${formatPercent(r.relative, 2)} [${formatPercent(r.ci[0], 2)}, ${formatPercent(r.ci[1], 2)}], n ${r.n}`,
        )}</title></rect>`,
      );
    }
  });
  const py = plotBottom - pooledGap / 2;
  const [cl, ch] = v.shift.ci;
  const dl = Number.isFinite(cl) ? clamp(x(cl)) : x0;
  const dh = Number.isFinite(ch) ? clamp(x(ch)) : x1;
  const dc = Number.isFinite(v.shift.relative) ? x(v.shift.relative) : (dl + dh) / 2;
  const diamond =
    `<path class="pooled" d="M${fmt(dl)} ${fmt(py)}L${fmt(dc)} ${fmt(py - 8)}L${fmt(dh)} ${fmt(py)}L${fmt(dc)} ${fmt(py + 8)}Z">` +
    `<title>${esc(`pooled: ${formatPercent(v.shift.relative, 2)} [${formatPercent(cl, 2)}, ${formatPercent(ch, 2)}]`)}</title></path>`;
  const budgetLine = Number.isFinite(budget)
    ? `<path class="budget" d="M${fmt(x(budget))} ${m.top}V${fmt(plotBottom)}"/>`
    : '';
  const zero = `<path class="ref" d="M${fmt(x(0))} ${m.top}V${fmt(plotBottom)}"/>`;
  const body =
    zero +
    budgetLine +
    `<path class="ci" d="${ci}" data-rows="${valid.length}"/>` +
    `<path class="dots shift" data-points="${valid.length}" d="${dots}" style="stroke-width:${fmt(Math.max(4, Math.min(9, rowH * 0.8)))}px"/>` +
    diamond;
  const svg = frame(
    {
      id: 'forest',
      width,
      height,
      margin: m,
      x,
      y,
      xTicks: linearTicks(x.domain, 7),
      yTicks: [],
      xFormat: (t) => formatPercent(t, Math.abs(hi - lo) < 0.05 ? 1 : 0),
      yFormat: () => '',
      xLabel: 'shift of candidate vs baseline (Hodges-Lehmann, relative)',
      title: 'Per-round shift with confidence intervals, pooled estimate and budget',
      desc: `${valid.length} rounds; per-round ${Math.round(level * 100)}% intervals; pooled ${formatPercent(v.shift.relative, 2)} with interval ${formatPercent(cl, 2)} to ${formatPercent(ch, 2)}; budget ${formatPercent(budget, 2)}.`,
    },
    body,
  );
  // Round labels and the pooled label sit outside the clip region: insert them before </svg>.
  const labels = rowsSvg.join('') + `<text class="tick strong" x="${m.left - 6}" y="${fmt(py)}" dy="0.32em" text-anchor="end">pooled</text>`;
  return svg.replace(/<\/svg>$/, `${labels}</svg>`);
}

/** The normal score of a nominal one-sided p: crossing the boundary on this scale is the decision rule. */
export function zOfP(p: number): number {
  if (Number.isNaN(p)) return 0;
  if (!(p > 0)) return 8;
  if (p >= 1) return -8;
  return Math.max(-8, Math.min(8, normalQuantile(1 - p)));
}

/** Sequential path: the statistic per look against the alpha-spending boundary, over requests. */
export function sequentialChart(looks: LookRecord[], plannedRequests: number): string {
  if (looks.length === 0) return empty('sequential', 'Sequential path', 'no looks recorded', 1200);
  const width = 1200;
  const height = 320;
  const n = looks.map((l) => l.n.baseline + l.n.candidate);
  const z = looks.map((l) => zOfP(l.p));
  const b = looks.map((l) => (Number.isFinite(l.boundary) ? l.boundary : 8));
  const xMax = Math.max(...n, Number.isFinite(plannedRequests) && plannedRequests < n[n.length - 1] * 20 ? plannedRequests : 0) * 1.05;
  const x = linearScale([0, xMax], [M.left, width - M.right]);
  const yLo = Math.min(0, ...z) - 0.5;
  const yHi = Math.max(...b, ...z) + 0.5;
  const y = linearScale([yLo, yHi], [height - M.bottom, M.top]);
  const xs = n.map((v) => x(v));
  let body = `<path class="ref" d="M${fmt(x.range[0])} ${fmt(y(0))}H${fmt(x.range[1])}"/>`;
  if (plannedRequests > 0 && plannedRequests <= xMax) {
    body += `<path class="planned" d="M${fmt(x(plannedRequests))} ${fmt(y.range[1])}V${fmt(y.range[0])}"/>`;
  }
  // Boundary: a step per look (it holds from the previous look to this one) and a marker.
  let bd = '';
  looks.forEach((_, i) => {
    const from = i === 0 ? x(0) : xs[i - 1];
    bd += `M${fmt(from)} ${fmt(y(b[i]))}H${fmt(xs[i])}`;
  });
  body += `<path class="boundary" d="${bd}"/>`;
  body += pointsPath(xs, b.map((v) => y(v)), 'boundary-dots', ` data-looks="${looks.length}"`);
  body += linePath([x(0), ...xs], [y(0), ...z.map((v) => y(v))], 'line zline');
  body += pointsPath(xs, z.map((v) => y(v)), 'dots zdots', ` data-looks="${looks.length}"`);
  looks.forEach((l, i) => {
    body += `<circle class="hit" cx="${fmt(xs[i])}" cy="${fmt(y(z[i]))}" r="8"><title>${esc(
      `look ${l.look}: ${l.rounds} rounds, n ${n[i]}, Z ${l.z.toFixed(2)}, p ${l.p.toPrecision(2)} vs boundary p ${l.boundaryP.toPrecision(2)} (Z ${l.boundary.toFixed(2)}), shift ${formatPercent(l.shiftRelative, 2)}`,
    )}</title></circle>`;
  });
  return frame(
    {
      id: 'sequential',
      width,
      height,
      margin: M,
      x,
      y,
      xTicks: linearTicks(x.domain, 6),
      yTicks: linearTicks(y.domain, 6),
      xFormat: (v) => (v >= 1e6 ? `${+(v / 1e6).toFixed(1)}M` : v >= 1e3 ? `${+(v / 1e3).toFixed(1)}k` : String(v)),
      yFormat: (v) => String(+v.toFixed(1)),
      xLabel: 'requests analysed (both arms)',
      yLabel: 'Z (normal score of p)',
      title: 'Sequential path: test statistic per look against the boundary',
      desc: looks.map((l, i) => `look ${l.look}: Z ${z[i].toFixed(2)} vs boundary ${b[i].toFixed(2)}`).join('; '),
    },
    body,
  );
}

/** Warm-up cut per round (requests removed by MSER-5); rounds that never settled in red. */
export function warmupChart(rounds: WarmupRound[]): string {
  if (rounds.length === 0) return empty('warmup', 'Warm-up', 'no rounds');
  const width = 640;
  const height = 240;
  const maxReq = Math.max(...rounds.map((r) => r.requests), 1);
  const maxCut = Math.max(...rounds.map((r) => (r.valid ? r.cut : 0)), 10);
  const x = linearScale([0, rounds.length], [M.left, width - M.right]);
  const y = linearScale([0, Math.min(maxReq, maxCut * 1.15)], [height - M.bottom, M.top]);
  const w = Math.max(1, (x.range[1] - x.range[0]) / rounds.length - (rounds.length > 60 ? 0 : 2));
  let ok = '';
  let bad = '';
  rounds.forEach((r, i) => {
    const bar = `M${fmt(x(i) + 1)} ${fmt(y(0))}v${fmt(-(y(0) - y(r.valid ? r.cut : y.domain[1])))}h${fmt(w)}v${fmt(y(0) - y(r.valid ? r.cut : y.domain[1]))}Z`;
    if (r.valid) ok += bar;
    else bad += bar;
  });
  const invalid = rounds.filter((r) => !r.valid).length;
  const stride = Math.ceil(rounds.length / 10);
  const ticks = rounds.map((_, i) => i).filter((i) => i % stride === 0);
  const body =
    `<path class="bars warm" d="${ok}" data-bars="${rounds.length - invalid}"/>` +
    `<path class="bars invalid" d="${bad}" data-bars="${invalid}"/>`;
  return frame(
    {
      id: 'warmup',
      width,
      height,
      margin: M,
      x,
      y,
      xTicks: ticks.map((i) => i + 0.5),
      yTicks: linearTicks(y.domain, 4),
      xFormat: (t) => String(rounds[Math.floor(t)]?.round ?? ''),
      yFormat: (v) => String(Math.round(v)),
      xLabel: 'round',
      yLabel: 'requests cut',
      xGrid: false,
      title: 'Warm-up cut per round (MSER-5)',
      desc: `${rounds.reduce((s, r) => s + r.cut, 0)} requests removed over ${rounds.length} rounds; ${invalid} rounds never reached a steady state.`,
    },
    body,
  );
}

