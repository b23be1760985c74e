// Writes rounds as the samples CSV contract; gzip when the path ends in .gz.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';
import type { RoundData } from '../types';
import { armName } from './round-data';

export const SAMPLES_HEADER = 'round,arm,seq,latency_ns,start_ns,status';

export function formatRound(r: RoundData): string {
  let out = '';
  for (let i = 0; i < r.arm.length; i++) {
    const start = r.startNs ? r.startNs[i] : 0;
    const status = r.status ? r.status[i] : 200;
    out += `${r.round},${armName(r.arm[i])},${r.seq[i]},${r.latencyNs[i]},${start},${status}\n`;
  }
  return out;
}

/** An append-only samples file: the header at once, each round as it arrives, so nothing measured is lost. */
export class SamplesWriter {
  private readonly sink: Writable;
  private readonly file: Writable;

  constructor(path: string) {
    this.file = createWriteStream(path);
    this.sink = path.endsWith('.gz') ? createGzip() : this.file;
    if (this.sink !== this.file) this.sink.pipe(this.file);
    this.sink.write(`${SAMPLES_HEADER}\n`);
  }

  async append(r: RoundData): Promise<void> {
    if (!this.sink.write(formatRound(r))) await once(this.sink, 'drain');
  }

  async close(): Promise<void> {
    const done = once(this.file, 'close');
    this.sink.end();
    await done;
  }
}

export async function writeSamples(path: string, rounds: RoundData[]): Promise<void> {
  const w = new SamplesWriter(path);
  for (const r of rounds) await w.append(r);
  await w.close();
}
