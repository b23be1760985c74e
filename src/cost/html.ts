// The report's "Where the cost is" section: per wrapped function its share of the predicted
// overhead per request, the predicted total and the measured shift, as bars with their intervals.
import { esc } from '../report/html/escape';
import { frame, linearScale, linearTicks } from '../report/html/svg';
import { formatNs } from '../units';
import type { CostDecomposition, CostReport } from './decompose';
import { fasterPerCall, slowerPerCall, uncountedLine } from './render';

interface Bar {
  label: string;
  ns: number;
  ci?: [number, number];
  /** A CSS colour (the report's variables, so dark mode follows). */
  colour: string;
}

export function costSection(cost: CostReport | undefined): string {
  if (!cost) return '';
  if ('unavailable' in cost) {
    return `<section class="row" data-section="cost"><h2>Where the cost is</h2><p class="note">Not decomposed: ${esc(cost.unavailable)}.</p></section>`;
  }
  const check = cost.message.charAt(0).toUpperCase() + cost.message.slice(1);
  return (
    `<section class="row" data-section="cost" data-check="${esc(cost.check)}"><h2>Where the cost is: predicted from the hooked calls vs measured</h2>` +
    costChart(cost) +
    `<p class="note"><b>${esc(check)}.</b> Predicted = Σ calls per request (${esc(cost.method === 'preload' ? 'counting preload' : 'strace')}) × the hook's cost per call ` +
    `(micro benchmark, candidate − baseline); intervals: micro intervals combined by root-sum-square, counts taken as exact. ` +
    `The check compares measured − predicted with the interval of a difference of independent estimates.</p>` +
    perCallNotes(cost) +
    `</section>`
  );
}

/** The functions slower or faster per call than the baseline, and those not counted, one paragraph each. */
function perCallNotes(cost: CostDecomposition): string {
  const lines = [slowerPerCall(cost), fasterPerCall(cost), uncountedLine(cost)].filter(Boolean);
  return lines.map((l) => `<p class="note" data-per-call>${esc(l).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`).join('');
}

/** Bars from 0: each function's part, the predicted sum, the measured shift; whiskers: intervals. */
export function costChart(cost: CostDecomposition): string {
  const bars: Bar[] = [
    ...cost.functions
      .filter((f) => f.predictedNs !== undefined && f.callsPerRequest > 0)
      .map((f) => ({ label: `${f.name} × ${f.callsPerRequest.toFixed(2)}`, ns: f.predictedNs!, ci: f.predictedCiNs, colour: 'var(--warm)' })),
    { label: 'predicted', ns: cost.predicted.ns, ci: cost.predicted.ciNs, colour: 'var(--baseline)' },
    { label: 'measured', ns: cost.measured.ns, ci: cost.measured.ciNs, colour: 'var(--candidate)' },
  ];
  const width = 1200;
  const rowH = 30;
  const m = { top: 10, right: 24, bottom: 44, left: 150 };
  const height = m.top + rowH * bars.length + m.bottom;
  const ends = bars.flatMap((b) => [b.ns, ...(b.ci ?? [])]).filter(Number.isFinite);
  const lo = Math.min(0, ...ends);
  const hi = Math.max(...ends, 1);
  const pad = (hi - lo) * 0.04;
  const x = linearScale([lo - (lo < 0 ? pad : 0), hi + pad], [m.left, width - m.right]);
  const y = linearScale([0, bars.length], [m.top, m.top + rowH * bars.length]);
  let body = `<path class="ref" d="M${x(0).toFixed(1)} ${m.top}V${m.top + rowH * bars.length}"/>`;
  const labels: string[] = [];
  bars.forEach((b, i) => {
    const top = y(i) + 6;
    const mid = y(i) + rowH / 2;
    const [a, c] = [x(Math.min(0, b.ns)), x(Math.max(0, b.ns))];
    const tip = `${b.label}: ${formatNs(b.ns)}${b.ci ? ` (${formatNs(b.ci[0])} .. ${formatNs(b.ci[1])})` : ''}`;
    body += `<rect x="${a.toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(1, c - a).toFixed(1)}" height="${rowH - 12}" style="fill:${b.colour};fill-opacity:.75" data-bar="${esc(b.label)}"><title>${esc(tip)}</title></rect>`;
    if (b.ci) {
      const [l, r] = [x(b.ci[0]), x(b.ci[1])];
      body += `<path d="M${l.toFixed(1)} ${mid.toFixed(1)}H${r.toFixed(1)}M${l.toFixed(1)} ${(mid - 6).toFixed(1)}v12M${r.toFixed(1)} ${(mid - 6).toFixed(1)}v12" style="stroke:var(--fg);stroke-width:1.5;fill:none"/>`;
    }
    labels.push(`<text class="tick${i >= bars.length - 2 ? ' strong' : ''}" x="${m.left - 8}" y="${mid.toFixed(1)}" dy="0.32em" text-anchor="end">${esc(b.label)}</text>`);
  });
  const svg = frame(
    {
      id: 'cost',
      width,
      height,
      margin: m,
      x,
      y,
      xTicks: linearTicks(x.domain, 7),
      yTicks: [],
      xFormat: formatNs,
      yFormat: () => '',
      xLabel: 'overhead per request (ns); whiskers: intervals',
      title: 'Predicted overhead per request from the hooked calls, and the measured shift',
      desc: `predicted ${formatNs(cost.predicted.ns)} (${formatNs(cost.predicted.ciNs[0])} to ${formatNs(cost.predicted.ciNs[1])}); measured ${formatNs(cost.measured.ns)} (${formatNs(cost.measured.ciNs[0])} to ${formatNs(cost.measured.ciNs[1])}); ${cost.check}.`,
      xGrid: true,
    },
    body,
  );
  return svg.replace(/<\/svg>$/, `${labels.join('')}</svg>`);
}
