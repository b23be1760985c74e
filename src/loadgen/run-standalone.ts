// The standalone loadgen's body: config -> readiness wait -> rounds -> samples CSV.
// Exit codes: 0 done (even with request errors, which are in the CSV as status 0),
// 2 bad config, 3 a target never became ready or the output could not be written.
import { setTimeout as sleep } from 'node:timers/promises';
import { createWriteStream, openSync, readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { HttpClient, serializeRequest, type Endpoint } from './http-client';
import { runRound } from './loadgen';
import { SAMPLES_HEADER, formatSampleRows } from './csv';
import { LoadgenConfigError, parseLoadgenConfig, type LoadgenConfig } from './config';
import type { Sample } from '../types';
import { CountModeError, runCountMode } from './count-mode';

/** Rows written at a time while a round runs: few writes, and at most this many unwritten at a Ctrl-C. */
const STREAM_BATCH = 64;

export interface StandaloneIo {
  stdout: Writable;
  stderr: { write(s: string): unknown };
}

function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): LoadgenConfig {
  let text: string;
  let from: string;
  if (argv[0] !== undefined && argv[0] !== '') {
    from = argv[0];
    try {
      text = readFileSync(argv[0], 'utf8');
    } catch (err) {
      throw new LoadgenConfigError(`loadgen config: cannot read ${argv[0]}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  } else if (env.LOADGEN_CONFIG !== undefined && env.LOADGEN_CONFIG.trim() !== '') {
    from = 'LOADGEN_CONFIG';
    text = env.LOADGEN_CONFIG;
  } else {
    throw new LoadgenConfigError('loadgen config: set LOADGEN_CONFIG to the JSON config or pass a JSON file path');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new LoadgenConfigError(`loadgen config: ${from} is not valid JSON: ${(err as Error).message}`);
  }
  return parseLoadgenConfig(raw);
}


/** Polls GET path until a 2xx or the deadline; returns null when ready, else the last failure. */
export async function waitReady(target: Endpoint, path: string, waitMs: number): Promise<string | null> {
  const deadline = Date.now() + waitMs;
  const buf = serializeRequest({ method: 'GET', path }, target, false);
  let last = 'no attempt';
  for (;;) {
    const left = deadline - Date.now();
    const client = new HttpClient(target, { keepAlive: false, timeoutMs: Math.max(50, Math.min(1000, left)) });
    const r = await client.request(buf);
    client.close();
    if (r.status >= 200 && r.status < 300) return null;
    last = r.status === 0 ? r.error ?? 'error' : `HTTP ${r.status}`;
    if (Date.now() + 50 > deadline) return last;
    await sleep(50);
  }
}

function writeChunk(w: Writable, s: string): Promise<void> {
  return new Promise((resolve, reject) => {
    w.write(s, (err) => (err ? reject(err) : resolve()));
  });
}

/** `--count`: only the candidate runs (with the counting preload); see count-mode.ts. */
async function countCalls(cfg: LoadgenConfig, io: StandaloneIo): Promise<number> {
  const t = cfg.targets.candidate;
  const notReady = await waitReady(t, cfg.readyPath, cfg.waitReadyMs);
  if (notReady !== null) {
    io.stderr.write(`loadgen: target candidate (${t.host}:${t.port}${cfg.readyPath}) not ready after ${cfg.waitReadyMs} ms: ${notReady}\n`);
    return 3;
  }
  try {
    await runCountMode(cfg, (s) => io.stdout.write(s));
    return 0;
  } catch (err) {
    io.stderr.write(`loadgen: ${err instanceof CountModeError ? err.message : String(err)}\n`);
    return 3;
  }
}

export async function runStandalone(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: StandaloneIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let cfg: LoadgenConfig;
  const countMode = argv[0] === '--count';
  try {
    cfg = loadConfig(countMode ? argv.slice(1) : argv, env);
  } catch (err) {
    io.stderr.write(`${err instanceof LoadgenConfigError ? err.message : `loadgen config: ${String(err)}`}\n`);
    return 2;
  }
  if (countMode) return countCalls(cfg, io);

  if (cfg.waitReadyMs > 0) {
    const arms = ['baseline', 'candidate'] as const;
    const results = await Promise.all(arms.map((a) => waitReady(cfg.targets[a], cfg.readyPath, cfg.waitReadyMs)));
    for (let i = 0; i < arms.length; i++) {
      const t = cfg.targets[arms[i]!];
      if (results[i] !== null) {
        io.stderr.write(`loadgen: target ${arms[i]} (${t.host}:${t.port}${cfg.readyPath}) not ready after ${cfg.waitReadyMs} ms: ${results[i]}\n`);
        return 3;
      }
    }
  }

  let out: Writable = io.stdout;
  if (cfg.out !== undefined) {
    try {
      out = createWriteStream(cfg.out, { fd: openSync(cfg.out, 'w') });
    } catch (err) {
      io.stderr.write(`loadgen: cannot open output ${cfg.out}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
      return 3;
    }
    out.on('error', () => {}); // surfaced through the write callbacks below
  }
  let samples = 0;
  let errors = 0;
  try {
    await writeChunk(out, SAMPLES_HEADER + '\n');
    for (let i = 0; i < cfg.rounds; i++) {
      const round = cfg.round + i;
      // Rows leave in batches as they are measured, so a round cut short (Ctrl-C) is not lost:
      // the runtime can still read what was written.
      let batch: Sample[] = [];
      const res = await runRound({
        onSample: (s) => {
          batch.push(s);
          if (batch.length < STREAM_BATCH) return;
          out.write(formatSampleRows(batch));
          batch = [];
        },
        round,
        seed: cfg.seed,
        targets: cfg.targets,
        warmupPerArm: cfg.warmupPerArm,
        pairs: cfg.pairs,
        connection: cfg.connection,
        requests: cfg.requests,
        timeoutMs: cfg.timeoutMs,
      });
      samples += res.samples.length;
      errors += res.errors.baseline + res.errors.candidate;
      for (const m of res.errorMessages) io.stderr.write(`loadgen: round ${round}: ${m}\n`);
      await writeChunk(out, formatSampleRows(batch));
    }
    if (out !== io.stdout) await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  } catch (err) {
    io.stderr.write(`loadgen: failed writing output: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
    return 3;
  }
  io.stderr.write(`loadgen: done ${samples} samples, ${errors} errors\n`);
  return 0;
}
