// `node loadgen.js --count`: the in-pod half of counting calls per request (src/runtime/pod-count.ts).
// Run by `podman exec` / `kubectl exec` in the loadgen container of the counting pod, which shares
// the SUT's PID namespace and the counting preload's output directory. It waits until the SUT is
// ready, asks the preload for its totals (SIGUSR2 to the pid it wrote), sends `count.requests`
// sequential requests of the configured mix and connection mode, asks again, and prints both
// snapshots. Signalling from inside the pod needs no privileges: both containers run as the same
// user (or the signaller has CAP_KILL, which containers get by default), and no ptrace is used.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Prng, deriveSeed, STREAM } from '../experiment/prng';
import type { LoadgenConfig } from './config';
import { HttpClient, serializeRequest, type Endpoint } from './http-client';
import { mixTable, pickRequest } from './loadgen';

export const COUNT_BEFORE = 'counts-before';
export const COUNT_AFTER = 'counts-after';
const SNAPSHOT_WAIT_MS = 5000;

export class CountModeError extends Error {}

/** Asks the preloaded process for its totals and returns the complete file ("... end"). */
async function snapshot(file: string): Promise<string> {
  const pidFile = `${file}.pid`;
  if (!existsSync(pidFile)) throw new CountModeError(`no ${pidFile}: the counting preload is not loaded in the SUT (statically linked, or LD_PRELOAD overridden?)`);
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(file, { force: true });
  try {
    process.kill(pid, 'SIGUSR2');
  } catch (err) {
    throw new CountModeError(`cannot signal the SUT (pid ${pid}): ${(err as NodeJS.ErrnoException).code ?? String(err)} (does the pod share its process namespace?)`);
  }
  const deadline = Date.now() + SNAPSHOT_WAIT_MS;
  while (Date.now() < deadline) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (text.split('\n').includes('end')) return text;
    await sleep(10);
  }
  throw new CountModeError(`the counting preload wrote no counts to ${file} within ${SNAPSHOT_WAIT_MS} ms of SIGUSR2 (does the SUT replace the SIGUSR2 handler?)`);
}

export type SequentialOptions = Pick<LoadgenConfig, 'connection' | 'requests' | 'seed' | 'round' | 'timeoutMs'> & { target: Endpoint };

/**
 * `requests` sequential requests to `target`, the mix drawn as the gate draws it (also the local
 * runtime's counting instance). Throws CountModeError on the first failed request.
 */
export async function driveSequential(cfg: SequentialOptions, requests: number): Promise<void> {
  const { target } = cfg;
  const keepAlive = cfg.connection === 'keep-alive';
  const cum = mixTable(cfg.requests);
  const wire = cfg.requests.map((r) => serializeRequest(r, target, keepAlive));
  const rng = new Prng(deriveSeed(cfg.seed, cfg.round, STREAM.mix));
  const client = new HttpClient(target, { keepAlive, timeoutMs: cfg.timeoutMs });
  try {
    for (let i = 0; i < requests; i++) {
      const req = pickRequest(cum, rng);
      const r = await client.request(wire[req]!, { head: cfg.requests[req]!.method.toUpperCase() === 'HEAD' });
      if (r.status === 0) throw new CountModeError(`request ${i + 1} of ${requests} failed: ${r.error ?? 'error'}`);
    }
  } finally {
    client.close();
  }
}

/** The two snapshots around the driven requests, as printed on stdout (parsed by pod-count.ts). */
export async function runCountMode(cfg: LoadgenConfig, write: (s: string) => void): Promise<void> {
  if (!cfg.count?.file) throw new CountModeError(`--count needs 'count' { requests, file } in the config`);
  const { requests } = cfg.count;
  const file = cfg.count.file;
  const before = await snapshot(file);
  await driveSequential({ ...cfg, target: cfg.targets.candidate }, requests);
  const after = await snapshot(file);
  write(`${COUNT_BEFORE}\n${before}${COUNT_AFTER}\n${after}requests ${requests}\n`);
}
