// Images without a registry (podman): a minimal rootfs holding a binary and the libraries `ldd`
// lists, imported by `tar -C ROOTFS -c . | podman import - localhost/NAME:TAG`. Tags are content
// hashes, so an unchanged binary is imported once and reused.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { RunError } from '../../errors';
import { run, runOk } from './exec';

/** `ldd FILE` output -> absolute paths of the shared objects it needs (loader included). */
export function parseLdd(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const arrow = /=>\s*(\/\S+)/.exec(line);
    const bare = /^\s*(\/\S+)\s+\(/.exec(line);
    const p = arrow?.[1] ?? bare?.[1];
    if (p && !out.includes(p)) out.push(p);
  }
  return out;
}

async function lddLibs(file: string): Promise<string[]> {
  const r = await run(['ldd', file], { timeoutMs: 20_000 });
  // "not a dynamic executable" (static binary): nothing to add.
  if (r.code !== 0) {
    if (/not a dynamic executable|statically linked/.test(r.stdout + r.stderr)) return [];
    throw new RunError(`ldd ${file} failed: ${(r.stderr || r.stdout).trim()}`);
  }
  const missing = r.stdout.split('\n').filter((l) => /=> not found/.test(l));
  if (missing.length) throw new RunError(`ldd ${file}: missing libraries: ${missing.map((l) => l.trim()).join(', ')}`);
  return parseLdd(r.stdout);
}

export interface RootfsSpec {
  /** Files to put at a path in the image: host path -> image path. */
  files: { from: string; to: string }[];
}

/** The rootfs for `binary` at `/app/<name>` plus the libraries of it and of `extra` (e.g. hooks). */
export async function binaryRootfs(binary: string, extra: string[] = [], at = '/app', name = basename(binary)): Promise<RootfsSpec> {
  const files = [{ from: binary, to: `${at}/${name}` }];
  for (const f of [binary, ...extra]) {
    for (const lib of await lddLibs(f)) if (!files.some((x) => x.to === lib)) files.push({ from: lib, to: lib });
  }
  return { files };
}

function rootfsHash(spec: RootfsSpec, quick = false): string {
  const h = createHash('sha256');
  h.update('hook-latency-rootfs-v2\0');
  for (const f of spec.files) {
    h.update(`${f.to}\0`);
    if (quick) {
      const st = statSync(f.from);
      h.update(`${st.size}:${st.mtimeMs}\0`);
    } else h.update(readFileSync(f.from));
  }
  return h.digest('hex').slice(0, 16);
}

/** `a | b` without a shell, streaming (a rootfs tarball), killed after TIMEOUTMS: nothing @actions/exec offers. */
function pipeInto(a: string[], b: string[], timeoutMs: number): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p1 = spawn(a[0], a.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    const p2 = spawn(b[0], b.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    p1.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p2.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p2.stdout.resume();
    p1.stdout.pipe(p2.stdin);
    p2.stdin.on('error', () => {});
    const timer = setTimeout(() => {
      p1.kill('SIGKILL');
      p2.kill('SIGKILL');
    }, timeoutMs);
    let c1: number | null = null;
    p1.on('error', reject);
    p2.on('error', reject);
    p1.on('close', (c) => (c1 = c));
    p2.on('close', (c2) => {
      clearTimeout(timer);
      resolve({ code: c1 !== null && c1 !== 0 ? c1 : (c2 ?? 1), stderr });
    });
  });
}

/** Imports the rootfs as `localhost/NAME:<hash>` unless that image already exists; returns the reference. */
export async function ensureImage(podman: string, name: string, spec: RootfsSpec, quickHash = false): Promise<string> {
  const ref = `localhost/${name}:${rootfsHash(spec, quickHash)}`;
  const exists = await run([podman, 'image', 'exists', ref], { timeoutMs: 30_000 });
  if (exists.code === 0) return ref;
  const root = mkdtempSync(join(tmpdir(), 'hook-latency-rootfs-'));
  try {
    for (const f of spec.files) {
      const dest = join(root, f.to);
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(f.from, dest); // follows symlinks: the real bytes land at the listed path
      chmodSync(dest, statSync(f.from).mode & 0o777);
    }
    mkdirSync(join(root, 'tmp'), { recursive: true });
    chmodSync(join(root, 'tmp'), 0o1777);
    const r = await pipeInto(['tar', '-C', root, '-c', '.'], [podman, 'import', '--change', 'ENV=PATH=/usr/local/bin:/usr/bin:/bin:/app', '-', ref], 300_000);
    if (r.code !== 0) throw new RunError(`podman import of ${ref} failed: ${r.stderr.trim()}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  await runOk([podman, 'image', 'exists', ref], { timeoutMs: 30_000 });
  return ref;
}
