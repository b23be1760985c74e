/**
 * Hodges-Lehmann two-sample shift estimate (J. L. Hodges & E. L. Lehmann, Ann. Math. Statist.
 * 34 (1963) 598-611): the median of all m*n differences y_j - x_i.
 *
 * The m*n matrix is never formed. The k-th smallest difference is found by selection in the
 * sorted matrix X+Y (D. B. Johnson & T. Mizoguchi, SIAM J. Comput. 7 (1978) 147-153;
 * J. F. Monahan, ACM TOMS 10 (1984) 265-270, Algorithm 616): rows are sorted, each row keeps an
 * active column window, a pivot drawn from the active set is ranked in O(m + n) by a staircase
 * walk, and the window shrinks around the target rank; ~O(log(mn)) rounds, then the remaining
 * few candidates are sorted. Differences are evaluated as fl(y_j - x_i), exactly as a
 * difference matrix would hold them, so the result equals numpy.median(y[None,:] - x[:,None]).
 */

/** Deterministic PRNG (mulberry32) for pivot choice; fixed seed keeps the function pure. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function checkSorted(a: Float64Array, name: string): void {
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]!)) throw new Error(`${name}: NaN in input`);
    if (i > 0 && a[i]! < a[i - 1]!) throw new Error(`${name}: input is not sorted ascending`);
  }
}

/**
 * k-th smallest (0-based) of y_j - x_i over all pairs; inputs sorted ascending, no NaN.
 * Throws when a sample is empty or k is not an integer in [0, m*n).
 */
export function kthPairDifference(sortedX: Float64Array, sortedY: Float64Array, k: number): number {
  const m = sortedX.length;
  const n = sortedY.length;
  if (m === 0 || n === 0) throw new Error('kthPairDifference: both samples must be non-empty');
  if (!Number.isInteger(k) || k < 0 || k >= m * n) throw new Error(`kthPairDifference: k=${k} out of range`);
  checkSorted(sortedX, 'kthPairDifference');
  checkSorted(sortedY, 'kthPairDifference');
  // Row j = y_j, column c = -x_{m-1-c}; the value fl(y_j + a_c) = fl(y_j - x_{m-1-c}) is
  // non-decreasing along rows and columns.
  const a = new Float64Array(m);
  for (let c = 0; c < m; c++) a[c] = -sortedX[m - 1 - c]!;
  const y = sortedY;
  const lo = new Float64Array(n); // first active column of row j
  const hi = new Float64Array(n).fill(m); // one past the last active column
  const less = new Float64Array(n);
  const lessEq = new Float64Array(n);
  const rand = mulberry32(0x9e3779b9);
  let below = 0; // elements excluded on the low side
  let active = m * n;
  const smallEnough = Math.max(2 * (m + n), 256);

  while (active > smallEnough) {
    // Pivot: a uniformly drawn active element.
    let r = Math.floor(rand() * active);
    let pivot = NaN;
    for (let j = 0; j < n; j++) {
      const w = hi[j]! - lo[j]!;
      if (r < w) {
        pivot = y[j]! + a[lo[j]! + r]!;
        break;
      }
      r -= w;
    }
    // Rank the pivot: staircase walk, counts per row of values < pivot and <= pivot.
    let cLt = m;
    let cLe = m;
    let totLt = 0;
    let totLe = 0;
    for (let j = 0; j < n; j++) {
      const yj = y[j]!;
      while (cLt > 0 && yj + a[cLt - 1]! >= pivot) cLt--;
      while (cLe > 0 && yj + a[cLe - 1]! > pivot) cLe--;
      less[j] = cLt;
      lessEq[j] = cLe;
      totLt += cLt;
      totLe += cLe;
    }
    if (k >= totLt && k < totLe) return pivot;
    active = 0;
    if (k < totLt) {
      for (let j = 0; j < n; j++) {
        if (less[j]! < hi[j]!) hi[j] = Math.max(less[j]!, lo[j]!);
        active += hi[j]! - lo[j]!;
      }
    } else {
      below = 0;
      for (let j = 0; j < n; j++) {
        if (lessEq[j]! > lo[j]!) lo[j] = Math.min(lessEq[j]!, hi[j]!);
        below += lo[j]!;
        active += hi[j]! - lo[j]!;
      }
    }
  }
  const rest = new Float64Array(active);
  let t = 0;
  for (let j = 0; j < n; j++) {
    const yj = y[j]!;
    for (let c = lo[j]!; c < hi[j]!; c++) rest[t++] = yj + a[c]!;
  }
  rest.sort();
  return rest[k - below]!;
}

/** Median of all y_j - x_i (mean of the two middle values when m*n is even); sorted inputs. */
export function hodgesLehmannSorted(sortedX: Float64Array, sortedY: Float64Array): number {
  const total = sortedX.length * sortedY.length;
  if (total === 0) throw new Error('hodgesLehmann: both samples must be non-empty');
  const half = Math.floor(total / 2);
  if (total % 2 === 1) return kthPairDifference(sortedX, sortedY, half);
  const a = kthPairDifference(sortedX, sortedY, half - 1);
  const b = kthPairDifference(sortedX, sortedY, half);
  return (a + b) / 2;
}

/** Hodges-Lehmann shift of y relative to x (sorts copies). Throws on empty input or NaN. */
export function hodgesLehmann(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return hodgesLehmannSorted(Float64Array.from(x).sort(), Float64Array.from(y).sort());
}
