// Writes rounds as the samples CSV contract; gzip when the path ends in .gz.
import { closeSync, openSync, writeSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { SAMPLES_HEADER, type RoundData } from '../types';
import { armName } from './round-data';

export function formatRound(r: RoundData): string {
  let out = '';
  for (let i = 0; i < r.arm.length; i++) {
    const start = r.startNs ? r.startNs[i] : 0;
    const status = r.status ? r.status[i] : 200;
    const conn = r.conn ? r.conn[i] : 0;
    out += `${r.round},${armName(r.arm[i])},${r.seq[i]},${r.latencyNs[i]},${start},${status},${conn}\n`;
  }
  return out;
}

/**
 * An append-only samples file: the header at once, each round as it arrives, written synchronously
 * so that nothing measured is lost even when the process is interrupted right after. A .gz file
 * gets one gzip member per round (RFC 1952 allows concatenated members; gunzip reads them as one).
 */
export class SamplesWriter {
  private readonly fd: number;
  private readonly gzip: boolean;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
    this.gzip = path.endsWith('.gz');
    this.write(`${SAMPLES_HEADER}\n`);
  }

  append(r: RoundData): void {
    this.write(formatRound(r));
  }

  close(): void {
    closeSync(this.fd);
  }

  private write(text: string): void {
    const buf = this.gzip ? gzipSync(text) : Buffer.from(text);
    for (let off = 0; off < buf.length; ) off += writeSync(this.fd, buf, off);
  }
}

export function writeSamples(path: string, rounds: RoundData[]): void {
  const w = new SamplesWriter(path);
  for (const r of rounds) w.append(r);
  w.close();
}
