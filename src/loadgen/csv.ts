// The samples CSV contract: `round,arm,seq,latency_ns[,start_ns,status]` (the loadgen always writes all six).
import { SAMPLES_HEADER, type Sample } from '../types';

export { SAMPLES_HEADER };

/** One CSV line (no newline). Latencies are integer ns; absent optional fields are left empty. */
export function formatSampleRow(s: Sample): string {
  const start = s.startNs === undefined ? '' : String(Math.round(s.startNs));
  const status = s.status === undefined ? '' : String(s.status);
  return `${s.round},${s.arm},${s.seq},${Math.max(1, Math.round(s.latencyNs))},${start},${status}`;
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
