// The per-call overhead implied by a macro shift (docs/method.md, "Where the cost is", step 2; the
// paper's recommendation 7): a request that makes c calls of the hooked function and got slower by
// s ns pays s / c ns per call, if the hook's cost is all in those calls. Comparable with the micro benchmark's per-call figure.

/**
 * shiftNs / callsPerRequest; NaN when the calls per request are not a positive finite number (the
 * hooked function is not on the request path, so no per-call figure is implied).
 */
export function impliedPerCallNs(shiftNs: number, callsPerRequest: number): number {
  if (!(callsPerRequest > 0) || !Number.isFinite(callsPerRequest) || !Number.isFinite(shiftNs)) return NaN;
  return shiftNs / callsPerRequest;
}

/**
 * The implied per-call overhead of each counted function on its own (the whole shift charged to that
 * function), and of all of them together (the shift over the summed calls). Functions with no calls
 * per request are left out.
 */
export function impliedPerCall(shiftNs: number, perRequest: Record<string, number>): { byFunction: Record<string, number>; all: number } {
  const byFunction: Record<string, number> = {};
  let total = 0;
  for (const [fn, c] of Object.entries(perRequest)) {
    const v = impliedPerCallNs(shiftNs, c);
    if (Number.isFinite(v)) {
      byFunction[fn] = v;
      total += c;
    }
  }
  return { byFunction, all: impliedPerCallNs(shiftNs, total) };
}
