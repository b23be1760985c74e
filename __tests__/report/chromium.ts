// Headless Chromium through its command-line flags only (no driver library): --dump-dom proves the
// page parsed, --screenshot proves it draws, --enable-logging=stderr shows console messages.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

import { needs } from '../needs';

export const CHROMIUM = process.env.CHROMIUM ?? 'chromium';
/** `describe` for tests that open a page in Chromium (CHROMIUM: its command or path). */
export const describeInChromium = () => needs({ [CHROMIUM]: 'chromium' });

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
  '--force-color-profile=srgb',
  '--enable-logging=stderr',
  '--v=0',
];

export interface ChromiumResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Console messages and uncaught errors the page produced. */
  consoleLines: string[];
}

export function chromium(args: string[], timeout = 90_000): ChromiumResult {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  try {
    const r = spawnSync(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, ...args], { encoding: 'utf8', timeout, maxBuffer: 64 << 20 });
    const stderr = r.stderr ?? '';
    const consoleLines = stderr.split('\n').filter((l) => /CONSOLE|Uncaught|Refused to|Content Security Policy/i.test(l));
    return { status: r.status, stdout: r.stdout ?? '', stderr, consoleLines };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

export interface Png {
  width: number;
  height: number;
  /** RGBA, row-major. */
  rgba: Uint8Array;
}

/** A minimal PNG decoder (8-bit RGB/RGBA, non-interlaced: what Chromium writes) to inspect pixels. */
export function readPng(file: string): Png {
  const buf = readFileSync(file);
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error(`${file}: not a PNG`);
  let off = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8];
      const colour = data[9];
      if (depth !== 8 || data[12] !== 0 || (colour !== 2 && colour !== 6)) throw new Error('unsupported PNG format');
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      let v = line[i];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      cur[i] = v & 255;
    }
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      out[o] = cur[x * channels];
      out[o + 1] = cur[x * channels + 1];
      out[o + 2] = cur[x * channels + 2];
      out[o + 3] = channels === 4 ? cur[x * channels + 3] : 255;
    }
    prev = cur;
  }
  return { width, height, rgba: out };
}

/** Pixels within `tol` (per channel) of an RGB colour. */
export function countColour(png: Png, rgb: [number, number, number], tol = 12): number {
  let n = 0;
  for (let i = 0; i < png.rgba.length; i += 4) {
    if (Math.abs(png.rgba[i] - rgb[0]) <= tol && Math.abs(png.rgba[i + 1] - rgb[1]) <= tol && Math.abs(png.rgba[i + 2] - rgb[2]) <= tol) n++;
  }
  return n;
}
