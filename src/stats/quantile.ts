/**
 * Sample quantiles by linear interpolation between order statistics: Hyndman & Fan (1996) type 7,
 * numpy.quantile's default. The median is the p = 0.5 case.
 */

/** Quantile of data already sorted ascending; NaN for no data. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function medianSorted(sorted: ArrayLike<number>): number {
  return quantileSorted(sorted, 0.5);
}

/** Median of unsorted data (sorts a copy; the input is not modified). */
export function median(values: ArrayLike<number>): number {
  return medianSorted(Float64Array.from(values).sort());
}
