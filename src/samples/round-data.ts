// Conversions between request rows and the columnar RoundData the statistics read.
import { isError, type Arm, type RoundData, type Sample } from '../types';

export function roundFromSamples(round: number, samples: Sample[]): RoundData {
  const rows = samples.filter((s) => s.round === round).sort((a, b) => a.seq - b.seq);
  const hasStart = rows.some((s) => s.startNs !== undefined);
  const hasStatus = rows.some((s) => s.status !== undefined);
  const hasConn = rows.some((s) => s.conn !== undefined);
  return {
    round,
    arm: Uint8Array.from(rows, (s) => (s.arm === 'candidate' ? 1 : 0)),
    seq: Float64Array.from(rows, (s) => s.seq),
    latencyNs: Float64Array.from(rows, (s) => s.latencyNs),
    startNs: hasStart ? Float64Array.from(rows, (s) => s.startNs ?? 0) : null,
    status: hasStatus ? Int32Array.from(rows, (s) => s.status ?? 200) : null,
    conn: hasConn ? Uint8Array.from(rows, (s) => s.conn ?? 0) : null,
  };
}

export function armName(code: number): Arm {
  return code === 1 ? 'candidate' : 'baseline';
}

/** The successful requests of a round, in order: arm codes and latencies. */
export function successful(r: RoundData): { arm: Uint8Array; latencyNs: Float64Array } {
  if (!r.status) return { arm: r.arm, latencyNs: r.latencyNs };
  let n = 0;
  for (let i = 0; i < r.status.length; i++) if (!isError(r.status[i])) n++;
  const arm = new Uint8Array(n);
  const latencyNs = new Float64Array(n);
  for (let i = 0, j = 0; i < r.status.length; i++) {
    if (isError(r.status[i])) continue;
    arm[j] = r.arm[i];
    latencyNs[j++] = r.latencyNs[i];
  }
  return { arm, latencyNs };
}

/**
 * Requests and errors per arm after the first `cut` successful requests (the warm-up the latency
 * statistics leave out), so the error test counts the same stretch of the round for both.
 */
export function countsAfterCut(r: RoundData, cut: number): { requests: { baseline: number; candidate: number }; errors: { baseline: number; candidate: number } } {
  const requests = { baseline: 0, candidate: 0 };
  const errors = { baseline: 0, candidate: 0 };
  let successes = 0;
  for (let i = 0; i < r.arm.length; i++) {
    const failed = r.status !== null && isError(r.status[i]);
    if (successes >= cut) {
      requests[armName(r.arm[i])]++;
      if (failed) errors[armName(r.arm[i])]++;
    }
    if (!failed) successes++;
  }
  return { requests, errors };
}

export function requestCount(rounds: RoundData[]): number {
  return rounds.reduce((n, r) => n + r.arm.length, 0);
}
