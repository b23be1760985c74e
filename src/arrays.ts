// Small typed-array helpers shared by the analysis, the micro benchmark and the report.

export function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Splits an interleaved series into its arms (0 = baseline, 1 = candidate), keeping request order. */
export function splitArms(arm: Uint8Array, latency: Float64Array): { baseline: Float64Array; candidate: Float64Array } {
  let nc = 0;
  for (const a of arm) nc += a;
  const baseline = new Float64Array(arm.length - nc);
  const candidate = new Float64Array(nc);
  for (let i = 0, b = 0, c = 0; i < arm.length; i++) {
    if (arm[i] === 1) candidate[c++] = latency[i];
    else baseline[b++] = latency[i];
  }
  return { baseline, candidate };
}
