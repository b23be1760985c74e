// Parsing of the human forms used in config files, flags and action inputs: 2%, 50us, 10m, 0.9.
import { UsageError } from './errors';
import type { Threshold } from './types';

const TIME_UNITS_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9 };
const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3 };

/** `2%` -> relative 0.02; `50us`, `1.5ms`, `200ns` -> absolute; a bare `0` -> relative 0. */
export function parseThreshold(text: string | number, what = 'threshold'): Threshold {
  const s = String(text).trim();
  if (s === '0') return { relative: 0 };
  const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(s);
  if (pct) {
    const relative = Number(pct[1]) / 100;
    if (relative >= 10) throw new UsageError(`${what} ${s} is too large (at most 1000%)`);
    return { relative };
  }
  const time = /^(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s)$/.exec(s);
  if (time) return { ns: Number(time[1]) * TIME_UNITS_NS[time[2]] };
  throw new UsageError(`${what} must look like 2% or 50us (units ns, us, ms, s), got '${s}'`);
}

export function formatThreshold(t: Threshold): string {
  return 'relative' in t ? `${round(t.relative * 100, 3)}%` : formatNs(t.ns);
}

/** `10m`, `90s`, `1h`, `500ms` -> milliseconds. */
export function parseDuration(text: string | number, what: string): number {
  const s = String(text).trim();
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/.exec(s);
  if (!m) throw new UsageError(`${what} must look like 90s, 10m or 1h, got '${s}'`);
  return Number(m[1]) * DURATION_UNITS_MS[m[2]];
}

/** A probability strictly between 0 and 1, as `0.05` or `5%`. */
export function parseProbability(text: string | number, what: string): number {
  const s = String(text).trim();
  const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(s);
  const v = pct ? Number(pct[1]) / 100 : /^\d*\.?\d+(e-?\d+)?$/i.test(s) ? Number(s) : NaN;
  if (!(v > 0 && v < 1)) throw new UsageError(`${what} must be a probability between 0 and 1, got '${s}'`);
  return v;
}

/** A positive integer, with optional `k` suffix: `5000`, `20k`. */
export function parseCount(text: string | number, what: string, min = 1): number {
  const s = String(text).trim();
  const m = /^(\d+)(k?)$/i.exec(s);
  const v = m ? Number(m[1]) * (m[2] ? 1000 : 1) : NaN;
  if (!Number.isSafeInteger(v) || v < min) throw new UsageError(`${what} must be an integer >= ${min}, got '${s}'`);
  return v;
}

/** An unbounded interval end (or a missing value, e.g. JSON null read back) in words a reader gets. */
function nonFinite(x: number): string {
  return x === Infinity ? '+∞' : x === -Infinity ? '−∞' : 'n/a';
}

export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return nonFinite(ns);
  const a = Math.abs(ns);
  if (a >= 1e9) return `${round(ns / 1e9, 3)} s`;
  if (a >= 1e6) return `${round(ns / 1e6, 3)} ms`;
  if (a >= 1e3) return `${round(ns / 1e3, 2)} µs`;
  return `${round(ns, 1)} ns`;
}

export function formatPercent(ratio: number, digits = 2): string {
  if (!Number.isFinite(ratio)) return nonFinite(ratio);
  const v = round(ratio * 100, digits);
  return `${v > 0 ? '+' : ''}${v}%`;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
