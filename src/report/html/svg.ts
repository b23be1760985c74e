// Minimal server-side SVG drawing: scales, ticks, a chart frame with axes, and compact mark paths.
// Everything is pre-rendered, so the report needs no JavaScript and no network to be viewed.
// Colours come from CSS classes defined in the page (see style.ts), so dark mode and the arm
// palette are set in one place.
import { esc } from './escape';

export interface Scale {
  (v: number): number;
  domain: [number, number];
  range: [number, number];
  log: boolean;
}

export function linearScale(domain: [number, number], range: [number, number]): Scale {
  let [d0, d1] = domain;
  if (!(d1 > d0)) {
    const pad = Math.abs(d0) > 0 ? Math.abs(d0) * 0.1 : 1;
    d0 -= pad;
    d1 += pad;
  }
  const [r0, r1] = range;
  const k = (r1 - r0) / (d1 - d0);
  const s = ((v: number) => r0 + (v - d0) * k) as Scale;
  s.domain = [d0, d1];
  s.range = range;
  s.log = false;
  return s;
}

export function logScale(domain: [number, number], range: [number, number]): Scale {
  let [d0, d1] = domain;
  if (!(d0 > 0)) d0 = 1;
  if (!(d1 > d0)) {
    d0 /= 1.5;
    d1 = d0 * 2.25;
  }
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  const [r0, r1] = range;
  const k = (r1 - r0) / (l1 - l0);
  const s = ((v: number) => r0 + (Math.log10(Math.max(v, Number.MIN_VALUE)) - l0) * k) as Scale;
  s.domain = [d0, d1];
  s.range = range;
  s.log = true;
  return s;
}

/** About `count` round-number ticks inside the domain of a linear scale. */
export function linearTicks(domain: [number, number], count = 6): number[] {
  const [a, b] = domain;
  if (!(b > a)) return [a];
  const raw = (b - a) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(a / step) * step; v <= b + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** Ticks at 1, 2, 5 x 10^k (or only decades when the domain spans many of them). */
export function logTicks(domain: [number, number]): number[] {
  const [a, b] = domain;
  const lo = Math.floor(Math.log10(a));
  const hi = Math.ceil(Math.log10(b));
  const mults = hi - lo > 4 ? [1] : hi - lo > 2 ? [1, 3] : [1, 2, 5];
  const out: number[] = [];
  for (let e = lo; e <= hi; e++) {
    for (const m of mults) {
      const v = m * 10 ** e;
      if (v >= a * 0.999 && v <= b * 1.001) out.push(v);
    }
  }
  return out;
}

/** Coordinates with one decimal: enough for screen pixels, and it keeps the file small. */
export function fmt(v: number): string {
  const r = Math.round(v * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
}

export interface FrameOptions {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
  x: Scale;
  y: Scale;
  xTicks: number[];
  yTicks: number[];
  xFormat: (v: number) => string;
  yFormat: (v: number) => string;
  xLabel?: string;
  yLabel?: string;
  /** Accessible name of the chart. */
  title: string;
  /** Accessible description: what the chart shows, in words. */
  desc: string;
  /** Name used as data-chart attribute (tests and styling). */
  id: string;
  /** Draw vertical grid lines (default true). */
  xGrid?: boolean;
}

/** The <svg> element with grid, axes, tick labels and axis labels; `body` is the plotted content. */
export function frame(o: FrameOptions, body: string): string {
  const { width, height, margin: m } = o;
  const x0 = m.left;
  const x1 = width - m.right;
  const y0 = height - m.bottom;
  const y1 = m.top;
  const parts: string[] = [];
  const grid: string[] = [];
  for (const t of o.yTicks) {
    const y = fmt(o.y(t));
    grid.push(`M${fmt(x0)} ${y}H${fmt(x1)}`);
    parts.push(`<text class="tick" x="${fmt(x0 - 6)}" y="${y}" dy="0.32em" text-anchor="end">${esc(o.yFormat(t))}</text>`);
  }
  for (const t of o.xTicks) {
    const x = fmt(o.x(t));
    if (o.xGrid !== false) grid.push(`M${x} ${fmt(y1)}V${fmt(y0)}`);
    parts.push(`<text class="tick" x="${x}" y="${fmt(y0 + 16)}" text-anchor="middle">${esc(o.xFormat(t))}</text>`);
  }
  if (o.xLabel) {
    parts.push(`<text class="label" x="${fmt((x0 + x1) / 2)}" y="${fmt(height - 6)}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  }
  if (o.yLabel) {
    const cy = (y0 + y1) / 2;
    parts.push(`<text class="label" transform="translate(14 ${fmt(cy)}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  }
  const clip = `clip-${o.id}`;
  return (
    `<svg class="chart" data-chart="${esc(o.id)}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${clip}-t ${clip}-d" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${clip}-t">${esc(o.title)}</title><desc id="${clip}-d">${esc(o.desc)}</desc>` +
    `<defs><clipPath id="${clip}"><rect x="${fmt(x0)}" y="${fmt(y1)}" width="${fmt(x1 - x0)}" height="${fmt(y0 - y1)}"/></clipPath></defs>` +
    `<path class="grid" d="${grid.join('')}"/>` +
    `<path class="axis" d="M${fmt(x0)} ${fmt(y1)}V${fmt(y0)}H${fmt(x1)}"/>` +
    parts.join('') +
    `<g clip-path="url(#${clip})">${body}</g>` +
    `</svg>`
  );
}

/** Many points as one path of zero-length round-capped segments: small file, fast to paint. */
export function pointsPath(xs: ArrayLike<number>, ys: ArrayLike<number>, cls: string, attrs = ''): string {
  let d = '';
  for (let i = 0; i < xs.length; i++) d += `M${fmt(xs[i])} ${fmt(ys[i])}h0`;
  return `<path class="${cls}" data-points="${xs.length}" d="${d}"${attrs}/>`;
}

/** A polyline through the points, as one path. */
export function linePath(xs: ArrayLike<number>, ys: ArrayLike<number>, cls: string, attrs = ''): string {
  let d = '';
  for (let i = 0; i < xs.length; i++) d += `${i === 0 ? 'M' : 'L'}${fmt(xs[i])} ${fmt(ys[i])}`;
  return `<path class="${cls}" data-points="${xs.length}" d="${d}"${attrs}/>`;
}

/** A legend row as HTML (outside the SVG so it wraps and reads well). */
export function legend(items: Array<{ cls: string; label: string; shape?: 'line' | 'dot' | 'dash' }>): string {
  return (
    `<div class="legend">` +
    items
      .map((i) => `<span class="key"><span class="swatch ${esc(i.shape ?? 'line')} ${esc(i.cls)}"></span>${esc(i.label)}</span>`)
      .join('') +
    `</div>`
  );
}
