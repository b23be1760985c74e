// The load generator's spread beside the floor, at the gate's placement, in one run: two example-SUT
// instances on the SUT CPU; on the loadgen CPU in turn (1) the native load generator running the
// gate's rounds, (2) a minimal C client alternating keep-alive GETs between the two (bench/floor.c,
// the floor), the same client with the gate's order (a coin per pair), (3) wrk -t1 -c1 against one
// instance; and (4) the gate's own run (dist/cli.js, the A/A example: fresh instances every round)
// when dist is built. Per round: p50, p90/p50, IQR/median;
// the table gives their medians over the rounds and the ratios against the floor; a second table
// splits each client's requests by the instance the request before went to.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOADGEN_DEFAULTS } from '../src/loadgen/config';
import { loadgenConfigText } from '../src/loadgen/native-config';
import { allowedCpus, hostPlan } from '../src/runtime/placement';
import { median, quantileSorted } from '../src/stats/quantile';

const ROUNDS = 40;
const PAIRS = 200; // the A/A example's requests-per-round: 400
const WARMUP = 50;

export interface RoundSpread {
  p50: number;
  p90OverP50: number;
  iqrOverMedian: number;
}

/** One round's spread, from its successful latencies (ns). */
export function roundSpread(latencies: number[]): RoundSpread {
  const s = Float64Array.from(latencies).sort();
  const p50 = quantileSorted(s, 0.5);
  return { p50, p90OverP50: quantileSorted(s, 0.9) / p50, iqrOverMedian: (quantileSorted(s, 0.75) - quantileSorted(s, 0.25)) / p50 };
}

/** The medians over rounds of each per-round figure. */
export function medianSpread(rounds: RoundSpread[]): RoundSpread {
  return {
    p50: median(rounds.map((r) => r.p50)),
    p90OverP50: median(rounds.map((r) => r.p90OverP50)),
    iqrOverMedian: median(rounds.map((r) => r.iqrOverMedian)),
  };
}

interface Request {
  seq: number;
  arm: string;
  latency: number;
  ok: boolean;
}

/** Rows "round,arm,seq,latency_ns[,start_ns,status]" -> each round's requests in order (ok: status 200 or absent). */
function roundsFromCsv(text: string): Request[][] {
  const byRound = new Map<number, Request[]>();
  for (const line of text.split('\n')) {
    const f = line.split(',');
    if (f.length < 4 || !/^\d+$/.test(f[0]!)) continue;
    const list = byRound.get(Number(f[0])) ?? [];
    list.push({ seq: Number(f[2]), arm: f[1]!, latency: Number(f[3]), ok: f[5] === undefined || f[5] === '' || f[5] === '200' });
    byRound.set(Number(f[0]), list);
  }
  return [...byRound.values()].map((list) => list.sort((a, b) => a.seq - b.seq));
}

/** Per-round spreads of the successful requests. */
export function spreadsFromCsv(text: string): RoundSpread[] {
  return roundsFromCsv(text).map((list) => roundSpread(list.filter((q) => q.ok).map((q) => q.latency)));
}

export interface PredecessorStrata {
  /** After a request to the other arm's instance, and after one to the same instance. */
  switch: RoundSpread;
  repeat: RoundSpread | null;
  /** Share of the requests that follow one to the same instance. */
  repeatShare: number;
}

/**
 * Each round's requests (its first left out) split by the arm of the request before: the same
 * instance just answered ("repeat") or the other one did ("switch"); medians over rounds of each
 * stratum's spread. Shows why an order with repeats spreads wider than strict alternation.
 */
export function predecessorStrata(text: string): PredecessorStrata {
  const strata = { switch: [] as RoundSpread[], repeat: [] as RoundSpread[] };
  let repeats = 0;
  let all = 0;
  for (const list of roundsFromCsv(text)) {
    const split = { switch: [] as number[], repeat: [] as number[] };
    for (let i = 1; i < list.length; i++) {
      if (!list[i]!.ok) continue;
      split[list[i]!.arm === list[i - 1]!.arm ? 'repeat' : 'switch'].push(list[i]!.latency);
    }
    repeats += split.repeat.length;
    all += split.repeat.length + split.switch.length;
    for (const k of ['switch', 'repeat'] as const) if (split[k].length >= 10) strata[k].push(roundSpread(split[k]));
  }
  return { switch: medianSpread(strata.switch), repeat: strata.repeat.length ? medianSpread(strata.repeat) : null, repeatShare: repeats / all };
}

function startSut(root: string, cpu: string | null): Promise<{ proc: ChildProcess; port: number }> {
  const sut = join(root, 'examples', 'sut', 'build', 'sut');
  const argv = cpu === null ? [sut, '0'] : [join(root, 'hook', 'build', 'pin'), cpu, '--', sut, '0'];
  const proc = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (b: Buffer) => {
      const m = /listening on .*:(\d+)/.exec(b.toString());
      if (m) resolve({ proc, port: Number(m[1]) });
    });
    proc.on('exit', () => reject(new Error('example SUT exited')));
  });
}

function pinned(root: string, cpu: string | null, argv: string[]): string[] {
  return cpu === null ? argv : [join(root, 'hook', 'build', 'pin'), cpu, '--', ...argv];
}

function run(argv: string[], input?: string): string {
  return execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', input, maxBuffer: 1 << 28, stdio: ['pipe', 'pipe', 'inherit'] });
}

/** wrk's latency distribution line for P% (e.g. "90%   25.00us") in ns. */
function wrkPercentile(out: string, p: number): number | null {
  const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out);
  return m ? Number(m[1]) * (m[2] === 'ms' ? 1e6 : m[2] === 's' ? 1e9 : 1e3) : null;
}

function load(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

export async function benchLoadgen(root: string): Promise<string[]> {
  execFileSync('make', ['-s', '-C', join(root, 'hook')]);
  const floorBin = join(root, 'hook', 'build', 'floor');
  execFileSync('cc', ['-O2', '-o', floorBin, join(root, 'bench', 'floor.c')]);
  const plan = hostPlan('auto', allowedCpus());
  const [a, b] = [await startSut(root, plan.sut), await startSut(root, plan.sut)];
  const rows: Array<[string, RoundSpread | null, string]> = [];
  const csvs: Array<[string, string]> = [];
  const measure = (name: string, csv: string) => {
    rows.push([name, medianSpread(spreadsFromCsv(csv)), load()]);
    csvs.push([name, csv]);
  };
  const lines = [`placement: loadgen CPU ${plan.loadgen ?? 'any'}, SUT CPU ${plan.sut ?? 'any'}; ${ROUNDS} rounds of ${2 * PAIRS} requests`];
  try {
    measure('floor (bench/floor.c)', run(pinned(root, plan.loadgen, [floorBin, String(a!.port), String(b!.port), String(ROUNDS), String(PAIRS)])));
    const coin = [floorBin, String(a!.port), String(b!.port), String(ROUNDS), String(PAIRS), 'coin'];
    measure('floor, a coin per pair (the gate\'s order)', run(pinned(root, plan.loadgen, coin)));
    const config = loadgenConfigText({
      ...LOADGEN_DEFAULTS,
      seed: 1,
      rounds: ROUNDS,
      warmupPerArm: WARMUP,
      pairs: PAIRS,
      waitReadyMs: 1000,
      targets: { baseline: { host: '127.0.0.1', port: a!.port }, candidate: { host: '127.0.0.1', port: b!.port } },
    });
    measure('native loadgen, same instances', run(pinned(root, plan.loadgen, [join(root, 'hook', 'build', 'loadgen'), '-']), config));
    const wrk = spawnSync(pinned(root, plan.loadgen, ['wrk'])[0]!, [...pinned(root, plan.loadgen, ['wrk']).slice(1), '-t1', '-c1', '-d5s', '--latency', `http://127.0.0.1:${a!.port}/`], { encoding: 'utf8' });
    if (wrk.error || wrk.status !== 0) lines.push('wrk not found (Debian/Ubuntu: apt-get install wrk): no wrk row');
    else {
      const p50 = wrkPercentile(wrk.stdout, 50);
      const p90 = wrkPercentile(wrk.stdout, 90);
      if (p50 !== null && p90 !== null) rows.push(['wrk -t1 -c1 (one instance, whole run; no p25)', { p50, p90OverP50: p90 / p50, iqrOverMedian: NaN }, load()]);
    }
  } finally {
    a!.proc.kill('SIGTERM');
    b!.proc.kill('SIGTERM');
  }
  const cli = join(root, 'dist', 'cli.js');
  if (existsSync(cli)) {
    const out = mkdtempSync(join(tmpdir(), 'hook-latency-bench-aa-'));
    try {
      spawnSync(process.execPath, [cli, 'run', '--config', join(root, 'examples', 'local', 'aa.yml'), '--out', out, '--max-duration', '20s'], { stdio: 'ignore' });
      const samples = join(out, 'samples.csv');
      if (existsSync(samples)) measure('gate run (examples/local/aa.yml, fresh SUTs per round)', readFileSync(samples, 'utf8'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  return [...lines, ...table(rows), '', ...strataTable(csvs)];
}

/** Each client's requests split by the instance the request before went to (predecessorStrata). */
function strataTable(csvs: Array<[string, string]>): string[] {
  const f = (s: RoundSpread) => `p50 ${(s.p50 / 1000).toFixed(1)} µs, p90/p50 ${s.p90OverP50.toFixed(2)}, IQR/med ${s.iqrOverMedian.toFixed(2)}`;
  const out = ['by the request before: after the other instance (switch) | after the same instance (repeat), share of repeats'];
  for (const [name, csv] of csvs) {
    const p = predecessorStrata(csv);
    const repeat = p.repeat ? `${f(p.repeat)} (${(p.repeat.p50 / p.switch.p50).toFixed(2)}x)` : 'none';
    out.push(`${name.padEnd(55)} ${f(p.switch)} | ${repeat}, ${(100 * p.repeatShare).toFixed(0)} %`);
  }
  return out;
}

function table(rows: Array<[string, RoundSpread | null, string]>): string[] {
  const floor = rows[0]![1]!;
  const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const out = ['client                                                  p50 µs  (x floor)  p90/p50 (- floor)  IQR/med (- floor)  load avg'];
  for (const [name, s, loadAvg] of rows) {
    if (!s) continue;
    out.push(
      `${name.padEnd(55)} ${f(s.p50 / 1000, 1).padStart(6)}  ${f(s.p50 / floor.p50).padStart(8)}   ${f(s.p90OverP50).padStart(7)} ${f(s.p90OverP50 - floor.p90OverP50, 2).padStart(8)}   ${f(s.iqrOverMedian).padStart(7)} ${f(s.iqrOverMedian - floor.iqrOverMedian, 2).padStart(8)}   ${loadAvg}`,
    );
  }
  return out;
}
