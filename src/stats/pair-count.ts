/**
 * Pair counting between two sorted samples in O(m + n) by a two-pointer merge: the
 * Mann-Whitney count U = #{(i, j): y_j - shift > x_i} + #{y_j - shift = x_i} / 2
 * (Mann & Whitney 1947; merge counting as in D. E. Knuth, TAOCP vol. 3, 5.2.4).
 */

export interface PairCounts {
  /** #pairs (i, j) with y_j - shift > x_i. */
  greater: number;
  /** #pairs (i, j) with y_j - shift == x_i. */
  equal: number;
}

/**
 * Both arrays must be sorted ascending and free of NaN (not checked, for speed). y_j - shift is
 * evaluated in floating point exactly as written, for every j.
 */
export function pairCounts(sortedX: Float64Array, sortedY: Float64Array, shift: number): PairCounts {
  const m = sortedX.length;
  const n = sortedY.length;
  let lt = 0; // #x_i < v
  let le = 0; // #x_i <= v
  let greater = 0;
  let equal = 0;
  for (let j = 0; j < n; j++) {
    const v = sortedY[j]! - shift;
    while (lt < m && sortedX[lt]! < v) lt++;
    if (le < lt) le = lt;
    while (le < m && sortedX[le]! <= v) le++;
    greater += lt;
    equal += le - lt;
  }
  return { greater, equal };
}

/** U of (y - shift) against x: greater + equal / 2. */
export function mannWhitneyUSorted(sortedX: Float64Array, sortedY: Float64Array, shift: number): number {
  const { greater, equal } = pairCounts(sortedX, sortedY, shift);
  return greater + equal / 2;
}
