// Reads a trace of the paper's data (`start_time,response_time`, response time in ms, gzip) into
// latencies in ns, in request order.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export function readPaperTrace(path: string): Float64Array {
  const raw = readFileSync(path);
  const text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8');
  const lines = text.split('\n');
  const out: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const ms = Number(line.split(',')[1]);
    if (ms > 0) out.push(Math.round(ms * 1e6));
  }
  return Float64Array.from(out);
}
