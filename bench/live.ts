// Live gate runs on this machine, for the placement figures of docs/method.md and docs/evidence.md:
// N runs of `hook-latency run` per (placement, hook) and a compact table of how often each said
// "regression", how wide its interval was (the verdict's repeated CI, at the level it states), how far the two arms' rounds spread, and, for a delay
// hook, the estimate beside the hook's real per-request cost: ns per read() call measured by
// `hook-latency micro` times read+recv calls per request counted by strace.
//
//   npm run build && npm run bench -- live --runs 100 [--hog] [--runtime local|podman]
//       [--placement auto,same-cpu,split,off] [--hook none,noop,noop2,delay500,contend2000] [--workers N] [--cli dist/cli.js]
//
// --hook: none = a pure A/A (no hook on either arm), noop = noop.so against no hook, noop2 = noop.so
// in both arms (the demo's A/A), delayN = delay.so at N ns per read/recv, stallN = stall.so stalling N ns
// on every 100th read, spinN = spin.so spinning N
// loop iterations per read/recv (a clock-free cost; its ns come from micro), contendN = contend.so holding
// its process-wide lock N ns per read/recv (with --workers 4 --gate-args=--concurrency=8 the requests
// queue for it; its "real cost" column is the uncontended one). --hog keeps one core at
// 100 % (a `node -e 'for(;;){}'` child) for the whole series. Every run gets its own seed (1..N).
// A run that fails (exit 2/3) is counted apart and its last line printed under the row.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readSamples } from '../src/samples/read';
import { median, quantileSorted } from '../src/stats';
import type { RoundData, Verdict } from '../src/types';

const root = resolve(process.cwd());
const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== 'live'),
  options: {
    runs: { type: 'string', default: '20' },
    hog: { type: 'boolean', default: false },
    runtime: { type: 'string', default: 'local' },
    placement: { type: 'string', default: 'auto' },
    hook: { type: 'string', default: 'none,delay500' },
    cli: { type: 'string', default: join(root, 'dist', 'cli.js') },
    /** The example SUT's serving threads (its WORKERS), for concurrent load (--gate-args=--concurrency=8). */
    workers: { type: 'string', default: '' },
    /** More `hook-latency run` flags for every gate run, space-separated: --gate-args=--requests-per-round=2000 (through npm, keep the "="). */
    'gate-args': { type: 'string', default: '' },
  },
});
const runs = Number(values.runs);
const hooks = values.hook!.split(',');
const placements = values.placement!.split(',');
const gateArgs = values['gate-args']!.split(' ').filter(Boolean);

interface Outcome {
  verdict: Verdict['verdict'];
  ciWidth: number;
  /** The interval's confidence level (1 - 2 x the final boundary's p). */
  ciLevel: number;
  shiftNs: number;
  durationMs: number;
  roundLogRatios: number[];
  /** Rounds in which the arms were seen on different CPUs, of the rounds observed. */
  splitRounds: [number, number];
  /** Wald-Wolfowitz p of the round scores' serial correlation (verdict.roundDependence). */
  serialP: number;
  /** Whether the verdict's round-dependence check warned. */
  dependenceWarned: boolean;
  /** Which parts found the regression (latency, tail, errors). */
  failed: string[];
  calls?: Verdict['calls'];
}

/** A hook with a tunable cost: its library, the variable that sets the cost, and the value. */
interface CostHook {
  so: string;
  variable: string;
  value: number;
}

function hookArgs(hook: string): { args: string[]; cost?: CostHook } {
  if (hook === 'none') return { args: [] };
  const noop = join(root, 'hook', 'build', 'noop.so');
  if (hook === 'noop') return { args: ['--hook', noop] };
  if (hook === 'noop2') return { args: ['--hook', noop, '--baseline-hook', noop] };
  const m = /^(delay|spin|stall|contend)(\d+)$/.exec(hook);
  if (!m) throw new Error(`--hook: none, noop, noop2, delayN, spinN, stallN or contendN, got ${hook}`);
  const so = join(root, 'hook', 'build', `${m[1]}.so`);
  return { args: ['--hook', so], cost: { so, variable: COST_VARIABLE[m[1]!]!, value: Number(m[2]) } };
}

/** The variable that sets each tunable hook's cost (stall: ns of the stall on every 100th read; contend: ns the lock is held). */
const COST_VARIABLE: Record<string, string> = { delay: 'HOOK_DELAY_NS', spin: 'HOOK_SPIN_ITERS', stall: 'HOOK_STALL_NS', contend: 'HOOK_CONTEND_NS' };

/** A config file for the SUT env (the hook's cost variable), in the run's own directory. */
function configFile(dir: string, cost?: CostHook): string {
  const file = join(dir, 'gate.yml');
  const vars = [...(cost ? [`${cost.variable}: "${cost.value}"`] : []), ...(values.workers ? [`WORKERS: "${values.workers}"`] : [])];
  const env = vars.length ? `\n  env:${vars.map((v) => `\n    ${v}`).join('')}` : '';
  writeFileSync(file, `sut:\n  ready-path: /healthz${env}\n`);
  return file;
}

async function gate(placement: string, hook: string, seed: number, extra: string[] = []): Promise<Outcome | { error: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hook-latency-live-'));
  try {
    const h = hookArgs(hook);
    const args = [values.cli!, 'run', '--config', configFile(dir, h.cost), '--runtime', values.runtime!, '--threshold', '0',
      '--placement', placement, '--seed', String(seed), '--json', '--out', dir, ...h.args, ...gateArgs, ...extra];
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0 && r.status !== 1) return { error: (r.stderr || r.stdout).trim().split('\n').slice(-1)[0] ?? `exit ${r.status}` };
    const v = JSON.parse(r.stdout) as Verdict;
    return {
      verdict: v.verdict,
      ciWidth: v.shift.ci[1] - v.shift.ci[0],
      ciLevel: v.ciLevel ?? NaN,
      shiftNs: v.shift.ns,
      durationMs: v.durationMs ?? NaN,
      roundLogRatios: roundLogRatios(await readSamples(join(dir, 'samples.csv'))),
      splitRounds: splitRounds(v),
      serialP: v.roundDependence?.serialP ?? NaN,
      dependenceWarned: v.checks.some((c) => c.id === 'round-dependence' && c.status === 'warn'),
      failed: v.failed ?? [],
      calls: v.calls,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Per round: log(median candidate / median baseline), the spread placement shows up in. */
function roundLogRatios(rounds: RoundData[]): number[] {
  return rounds.map((r) => {
    const arms = [[], []] as number[][];
    r.arm.forEach((a, i) => arms[a]!.push(r.latencyNs[i]!));
    return Math.log(median(arms[1]!) / median(arms[0]!));
  });
}

function splitRounds(v: Verdict): [number, number] {
  const observed = (v.placement?.rounds ?? []).filter((r) => r.samples > 0);
  return [observed.filter((r) => r.differing > 0).length, observed.length];
}

/** Calls of read+recv per request of the example SUT (strace, one short local run). */
async function callsPerRequest(): Promise<number | null> {
  const r = await gate('off', 'delay500', 1, ['--runtime', 'local', '--count-calls', '--max-requests', '400', '--min-rounds', '1']);
  if ('error' in r || !r.calls || 'unavailable' in r.calls) return null;
  return (r.calls.perRequest.read ?? 0) + (r.calls.perRequest.recv ?? 0);
}

/** ns per read() call the hook costs at its setting, measured by `hook-latency micro`. */
function microPerCall(cost: CostHook): number | null {
  const r = spawnSync(process.execPath, [values.cli!, 'micro', '--hook', cost.so, '--function', 'read', '--json'], {
    cwd: root, encoding: 'utf8', env: { ...process.env, [cost.variable]: String(cost.value) },
  });
  try {
    return (JSON.parse(r.stdout) as { overhead_ns: { estimate: number } }).overhead_ns.estimate;
  } catch {
    return null;
  }
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

async function main(): Promise<void> {
  let hog: ChildProcess | null = null;
  if (values.hog) hog = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
  const stopHog = () => hog?.kill('SIGKILL');
  process.on('exit', stopHog);
  try {
    const costed = hooks.filter((h) => hookArgs(h).cost !== undefined);
    const calls = costed.length ? await callsPerRequest() : null;
    const perCall = new Map(costed.map((h) => [h, microPerCall(hookArgs(h).cost!)]));
    console.log(`live gate runs: runtime ${values.runtime}, ${runs} runs per row, budget 0, alpha 0.05, ${values.hog ? 'with a CPU hog (one core at 100 %)' : 'no extra load'}${gateArgs.length ? `, ${gateArgs.join(' ')}` : ''}; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
    if (costed.length) {
      console.log(`read+recv calls per request (strace): ${calls === null ? 'unavailable' : calls.toFixed(3)}; ` +
        `per read() call (micro): ${[...perCall].map(([h, ns]) => `${h} ${ns === null ? 'unavailable' : `${ns.toFixed(0)} ns`}`).join(', ')}`);
    }
    console.log('placement | hook | regression | inconclusive | median CI width [its level, median] | round log-ratio p5/p95 | rounds with arms on different CPUs | runs with serially correlated rounds (p < 0.05) | round-dependence warned | estimate ns median [min, max] | real cost ns | median rounds | median s | found by latency / tail / errors | load average after the row');
    console.log('---|---|---|---|---|---|---|---|---|---|---|---|---|---|---');
    for (const placement of placements) {
      for (const hook of hooks) {
        const outcomes: Outcome[] = [];
        const errors: string[] = [];
        for (let seed = 1; seed <= runs; seed++) {
          const o = await gate(placement, hook, seed);
          if ('error' in o) errors.push(o.error);
          else outcomes.push(o);
        }
        const ns = perCall.get(hook) ?? null;
        console.log(row(placement, hook, outcomes, ns !== null && calls !== null ? ns * calls : null));
        if (errors.length) console.log(`  ${errors.length} runs failed, e.g.: ${errors[0]}`);
      }
    }
  } finally {
    stopHog();
  }
}

/** realCost: the hook's per-request cost (micro ns per call x calls per request), null for an A/A. */
function row(placement: string, hook: string, o: Outcome[], realCost: number | null): string {
  const n = o.length;
  if (n === 0) return `${placement} | ${hook} | no successful runs`;
  const count = (k: Verdict['verdict']) => o.filter((x) => x.verdict === k).length;
  const reg = count('regression');
  const se = Math.sqrt((0.05 * 0.95) / n);
  const ratios = o.flatMap((x) => x.roundLogRatios).sort((a, b) => a - b);
  const est = o.map((x) => x.shiftNs);
  const aa = hookArgs(hook).cost === undefined;
  const real = realCost === null ? '-' : realCost.toFixed(0);
  const regCell = `${reg}/${n} (${pct(reg / n)})${aa ? ` [alpha+2se ${pct(0.05 + 2 * se)}]` : ''}`;
  return [
    placement,
    hook,
    regCell,
    String(count('inconclusive')),
    `${pct(median(o.map((x) => x.ciWidth)))} [${pct(median(o.map((x) => x.ciLevel)))}]`,
    `${quantileSorted(ratios, 0.05).toFixed(3)} / ${quantileSorted(ratios, 0.95).toFixed(3)}`,
    `${o.reduce((s, x) => s + x.splitRounds[0], 0)}/${o.reduce((s, x) => s + x.splitRounds[1], 0)}`,
    `${o.filter((x) => x.serialP < 0.05).length}/${n}`,
    `${o.filter((x) => x.dependenceWarned).length}/${n}`,
    `${median(est).toFixed(0)} [${Math.min(...est).toFixed(0)}, ${Math.max(...est).toFixed(0)}]`,
    real,
    String(median(o.map((x) => x.roundLogRatios.length))),
    (median(o.map((x) => x.durationMs)) / 1000).toFixed(1),
    (['latency', 'tail', 'errors'] as const).map((part) => o.filter((x) => x.failed.includes(part)).length).join(' / '),
    readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  ].join(' | ');
}

await main();
