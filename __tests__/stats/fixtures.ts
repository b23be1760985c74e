/** Loads the SciPy/NumPy reference values written by scripts/fixtures/make-stats-fixtures.py. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const path = fileURLToPath(new URL('./fixtures/stats-reference.json', import.meta.url));
const tailPath = fileURLToPath(new URL('./fixtures/tail-reference.json', import.meta.url));

/** JSON numbers, with 'NaN' / 'Infinity' / '-Infinity' strings decoded. */
export function decode(v: number | string | null): number {
  if (v === null) return NaN;
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  throw new Error(`bad number ${v}`);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const ref: any = JSON.parse(readFileSync(path, 'utf8'));

/** Tail values (scripts/fixtures/make-tail-fixtures.py). */
export const tailRef: {
  normalSf: [number, number][];
  normalPpf: [number, number][];
  normalPpfBeyond: [number, number][];
  normalPdf: [number, number][];
} = JSON.parse(readFileSync(tailPath, 'utf8'));

/** Relative error of GOT against the reference WANT (absolute when WANT is 0). */
export function relativeError(got: number, want: number): number {
  return want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want);
}

/** |a - b| <= atol + rtol |b|, NaN equal to NaN, infinities equal. */
export function close(a: number, b: number, rtol: number, atol = 0): boolean {
  if (Number.isNaN(b)) return Number.isNaN(a);
  if (!Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}
