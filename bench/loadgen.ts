// The load generator's spread beside the floor, at the gate's placement, in one run: two example-SUT
// instances on the SUT CPU; on the loadgen CPU in turn (1) the native load generator running the
// gate's rounds, (2) a minimal C client alternating keep-alive GETs between the two (bench/floor.c,
// the floor), the same client with the gate's order (a coin per pair), (3) wrk -t1 -c1 against one
// instance; and (4) the gate's own run (dist/cli.js, the A/A example: fresh instances every round)
// when dist is built. Per round: p50, p90/p50, IQR/median;
// the table gives their medians over the rounds and the ratios against the floor.
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

/** Rows "round,arm,seq,latency_ns[,start_ns,status]" -> per-round spreads (status 200 or absent). */
export function spreadsFromCsv(text: string): RoundSpread[] {
  const byRound = new Map<number, number[]>();
  for (const line of text.split('\n')) {
    const f = line.split(',');
    if (f.length < 4 || !/^\d+$/.test(f[0]!) || (f[5] !== undefined && f[5] !== '' && f[5] !== '200')) continue;
    const list = byRound.get(Number(f[0])) ?? [];
    list.push(Number(f[3]));
    byRound.set(Number(f[0]), list);
  }
  return [...byRound.values()].map(roundSpread);
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
  const lines = [`placement: loadgen CPU ${plan.loadgen ?? 'any'}, SUT CPU ${plan.sut ?? 'any'}; ${ROUNDS} rounds of ${2 * PAIRS} requests`];
  try {
    const floor = medianSpread(spreadsFromCsv(run(pinned(root, plan.loadgen, [floorBin, String(a!.port), String(b!.port), String(ROUNDS), String(PAIRS)]))));
    rows.push(['floor (bench/floor.c)', floor, load()]);
    const coin = [floorBin, String(a!.port), String(b!.port), String(ROUNDS), String(PAIRS), 'coin'];
    rows.push(['floor, a coin per pair (the gate\'s order)', medianSpread(spreadsFromCsv(run(pinned(root, plan.loadgen, coin)))), load()]);
    const config = loadgenConfigText({
      ...LOADGEN_DEFAULTS,
      seed: 1,
      rounds: ROUNDS,
      warmupPerArm: WARMUP,
      pairs: PAIRS,
      waitReadyMs: 1000,
      targets: { baseline: { host: '127.0.0.1', port: a!.port }, candidate: { host: '127.0.0.1', port: b!.port } },
    });
    rows.push(['native loadgen, same instances', medianSpread(spreadsFromCsv(run(pinned(root, plan.loadgen, [join(root, 'hook', 'build', 'loadgen'), '-']), config))), load()]);
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
      if (existsSync(samples)) rows.push(['gate run (examples/local/aa.yml, fresh SUTs per round)', medianSpread(spreadsFromCsv(readFileSync(samples, 'utf8'))), load()]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  return [...lines, ...table(rows)];
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
