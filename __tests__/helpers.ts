// Shared test helpers: the paper's traces, recorded replays written to temp files, the built CLI.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeSamples } from '../src/samples/write';
import { readPaperTrace } from '../src/study/paper-trace';
import { buildReplay, type ReplaySpec } from '../src/study/replay-builder';

export const ROOT = resolve(__dirname, '..');
export const PAPER_DATA = process.env.PAPER_DATA ?? resolve(ROOT, 'data', 'paper');
export const CLI = join(ROOT, 'dist', 'cli.js');

export const TRACES = {
  dockerWithout: 'docker-without-hook-benchmark_15-30-06_1691767806057.csv.gz',
  dockerWith: 'docker-with-benchmark_15-35-50_1691768150270_8081.csv.gz',
  kindWithout: 'kind-without-hook-benchmark_16-25-22_1691771122967.csv.gz',
  kindWith: 'kind-with-hook-benchmark_16-30-45_1691771445417.csv.gz',
  podWithout: 'aws-pod-without-hook-benchmark_09-24-46_1691745886638.csv.gz',
  podWith: 'aws-pod-with-hook-benchmark_11-31-08_1691753468729.csv.gz',
  nodesWithout: 'aws-nodes-without-hook-benchmark_11-40-50_1691754050578.csv.gz',
  nodesWith: 'aws-nodes-with-hook-benchmark_11-46-54_1691754414125.csv.gz',
} as const;

export function trace(name: keyof typeof TRACES): Float64Array {
  return readPaperTrace(join(PAPER_DATA, TRACES[name]));
}

/** A package root of its own holding a copy of hook/ without its build products: builds there start fresh. */
export function hookSourcesCopy(): string {
  const root = tempDir('hook-sources');
  cpSync(join(ROOT, 'hook'), join(root, 'hook'), { recursive: true, filter: (f) => !f.startsWith(join(ROOT, 'hook', 'build')) });
  return root;
}

/** Builds hook/NAME.c for aarch64 (the cross compiler .ci/run installs) into DIR; returns the .so. */
export function arm64Hook(name: string, dir: string): string {
  const so = join(dir, `${name}.so`);
  execFileSync('make', ['-s', '-C', join(ROOT, 'hook'), so, 'CC=aarch64-linux-gnu-gcc', `B=${dir}`]);
  return so;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

/** Writes an interleaved replay of a paper trace to a samples CSV and returns its path. */
export async function replayFile(name: keyof typeof TRACES, spec: Partial<ReplaySpec>, maxRounds = Infinity): Promise<string> {
  const rounds = buildReplay(trace(name), {
    start: 4000,
    requestsPerRound: 400,
    seed: 7,
    effect: 0,
    instanceSd: 0,
    ...spec,
  }).slice(0, maxRounds);
  const path = join(tempDir('replay'), `${name}.csv`);
  writeSamples(path, rounds);
  return path;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeout ?? 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
