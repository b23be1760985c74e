// The samples CSV contract: `round,arm,seq,latency_ns[,start_ns,status,conn]` (the loadgen always writes all seven).
import type { Arm } from '../types';
import { SAMPLES_HEADER, type Sample } from '../types';

export { SAMPLES_HEADER };

/** One CSV line (no newline). Latencies are integer ns; absent optional fields are left empty. */
export function formatSampleRow(s: Sample): string {
  const start = s.startNs === undefined ? '' : String(Math.round(s.startNs));
  const status = s.status === undefined ? '' : String(s.status);
  const conn = s.conn === undefined ? '' : String(s.conn);
  return `${s.round},${s.arm},${s.seq},${Math.max(1, Math.round(s.latencyNs))},${start},${status},${conn}`;
}

/** Rows joined by '\n', each terminated by '\n' (empty string for no samples). */
export function formatSampleRows(samples: readonly Sample[]): string {
  let out = '';
  for (const s of samples) out += formatSampleRow(s) + '\n';
  return out;
}

/** A whole file: header plus rows. */
export function formatSamplesCsv(samples: readonly Sample[]): string {
  return SAMPLES_HEADER + '\n' + formatSampleRows(samples);
}

const ROW = /^(\d+),(baseline|candidate),(\d+),(\d+),(\d*),(\d*)(?:,(\d*))?$/;

/** One CSV row as the load generator writes it (or did before the conn column), or null for any other line (the header included). */
export function parseSampleRow(line: string): Sample | null {
  const m = ROW.exec(line);
  if (!m) return null;
  const s: Sample = { round: Number(m[1]), arm: m[2] as Arm, seq: Number(m[3]), latencyNs: Number(m[4]) };
  if (m[5] !== '') s.startNs = Number(m[5]);
  if (m[6] !== '') s.status = Number(m[6]);
  if (m[7] !== undefined && m[7] !== '') s.conn = Number(m[7]);
  return s;
}
