// `hook-latency micro --hook HOOK.so`: the per-call cost of the hooked function, measured in
// isolation by the C driver hook/build/micro with and without LD_PRELOAD (docs/method.md, "Where the cost is", step 3).
import path from 'node:path';
import { EXIT, UsageError } from '../errors';
import { MICRO_DEFAULTS, runMicro, type MicroResult } from '../micro/benchmark';
import { isMicroFunction, MICRO_FUNCTIONS, type MicroFunction } from '../micro/driver';
import { sharedLibraryProblem, type LibraryProblem } from '../native';
import { formatNs, parseCount, parseProbability, parseThreshold } from '../units';

export interface MicroFlags {
  hook?: string;
  'baseline-hook'?: string;
  function?: string;
  threshold?: string;
  alpha?: string;
  rounds?: string;
  batches?: string;
  'batch-size'?: string;
  cpu?: string;
  seed?: string;
  json?: boolean;
}

/** The JSON printed by `micro --json`. Infinite CI ends (too few rounds) print as null. */
export interface MicroJson {
  function: MicroFunction;
  overhead_ns: { estimate: number; ci: [number, number] };
  baseline_ns: number;
  candidate_ns: number;
  calls: number;
  verdict: 'regression' | 'no-regression';
  p: number;
  threshold: { ns: number };
  rounds: number;
  mode: 'micro';
}

/** Where the command prints (tests capture it); default process.stdout. */
export interface MicroIo {
  write: (text: string) => void;
}

const STDOUT: MicroIo = { write: (t) => void process.stdout.write(t) };

export async function microCommand(flags: MicroFlags, io: MicroIo = STDOUT): Promise<number> {
  const hook = checkHook(flags.hook, '--hook');
  const baselineHook = flags['baseline-hook'] !== undefined ? checkHook(flags['baseline-hook'], '--baseline-hook') : undefined;
  const fn = flags.function ?? 'read';
  if (!isMicroFunction(fn)) throw new UsageError(`unknown --function '${fn}' (one of: ${MICRO_FUNCTIONS.join(', ')})`);
  const threshold = flags.threshold !== undefined ? parseThreshold(flags.threshold, '--threshold') : { ns: 0 };
  if ('ns' in threshold && !Number.isFinite(threshold.ns)) throw new UsageError(`--threshold must be finite`);
  const alpha = flags.alpha !== undefined ? parseProbability(flags.alpha, '--alpha') : MICRO_DEFAULTS.alpha;
  if (alpha >= 0.5) throw new UsageError(`--alpha must be below 0.5, got '${flags.alpha}'`);
  const rounds = flags.rounds !== undefined ? parseCount(flags.rounds, '--rounds', 2) : MICRO_DEFAULTS.rounds;
  const batches = flags.batches !== undefined ? parseCount(flags.batches, '--batches', 1) : MICRO_DEFAULTS.batches;
  const batchSize = flags['batch-size'] !== undefined ? parseCount(flags['batch-size'], '--batch-size', 1) : MICRO_DEFAULTS.batchSize;
  const cpu = flags.cpu !== undefined ? parseCount(flags.cpu, '--cpu', 0) : undefined;
  const seed = flags.seed !== undefined ? parseCount(flags.seed, '--seed', 0) : undefined;

  // The command line's own environment reaches the hook (HOOK_DELAY_NS=500 hook-latency micro ...): here
  // the user runs their hook on their machine. In a gate run (decompose) the driver gets the SUT's
  // allowlisted environment instead (src/cost/measure.ts).
  const result = await runMicro({ function: fn, hook, baselineHook, threshold, alpha, rounds, batches, batchSize, cpu, seed, env: process.env });
  const json = microJson(result);
  if (flags.json) io.write(`${JSON.stringify(json)}\n`);
  else io.write(formatMicro(result, json, { hook, baselineHook }));
  return json.verdict === 'regression' ? EXIT.regression : EXIT.ok;
}

export function microJson(r: MicroResult): MicroJson {
  const a = r.analysis;
  return {
    function: r.function,
    overhead_ns: { estimate: round2(a.estimate), ci: [round2(a.ci[0]), round2(a.ci[1])] },
    baseline_ns: round2(a.baselineNs),
    candidate_ns: round2(a.candidateNs),
    calls: r.calls,
    verdict: a.verdict,
    p: a.p,
    threshold: { ns: round2(a.thresholdNs) },
    rounds: a.rounds,
    mode: 'micro',
  };
}

function formatMicro(r: MicroResult, j: MicroJson, arms: { hook: string; baselineHook?: string }): string {
  const a = r.analysis;
  const level = Math.round((1 - 2 * a.alpha) * 1000) / 10;
  const sign = (v: number) => (v > 0 ? '+' : '');
  const end = (v: number) => (Number.isFinite(v) ? `${sign(v)}${formatNs(v)}` : v > 0 ? '+inf' : '-inf');
  const rows: Array<[string, string]> = [
    ['function', `${j.function}`],
    ['overhead', `${sign(a.estimate)}${formatNs(a.estimate)} per call  (${level}% CI ${end(a.ci[0])} .. ${end(a.ci[1])})`],
    ['baseline', `${formatNs(a.baselineNs)} per call  (${arms.baselineHook ? path.basename(arms.baselineHook) : 'no hook'})`],
    ['candidate', `${formatNs(a.candidateNs)} per call  (${path.basename(arms.hook)})`],
    ['calls', `${j.calls} per arm  (${a.rounds} rounds x ${r.batches} batches x ${r.batchSize})`],
    ['verdict', `${j.verdict}  (p = ${formatP(a.p)} against a threshold of ${formatNs(a.thresholdNs)} per call, alpha ${a.alpha})`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return `hook-latency micro (seed ${r.seed})\n${rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n')}\n`;
}

function formatP(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : String(Math.round(p * 1e4) / 1e4);
}

function round2(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 100) / 100 : v;
}

const ET_NAMES: Record<number, string> = { 0: 'ET_NONE', 1: 'ET_REL (an object file)', 2: 'ET_EXEC (an executable)', 4: 'ET_CORE (a core dump)' };
const BUILD_HINT = 'build the hook with -shared -fPIC';

/**
 * Checks that P names an ELF shared object (magic and e_type ET_DYN) usable in LD_PRELOAD;
 * returns its absolute path (a bare name in LD_PRELOAD would be searched in the library path).
 */
function checkHook(p: string | undefined, flag: string): string {
  if (p === undefined || p === '') throw new UsageError(`${flag} HOOK.so is required`);
  const abs = path.resolve(p);
  if (/[\s:]/.test(abs)) throw new UsageError(`${flag} ${p}: the path must not contain spaces or colons (LD_PRELOAD separators)`);
  const problem = sharedLibraryProblem(abs);
  if (problem === null) return abs;
  throw new UsageError(`${flag} ${p} ${hookProblem(problem)}`);
}

function hookProblem(problem: LibraryProblem): string {
  switch (problem.kind) {
    case 'missing':
      return 'does not exist';
    case 'unreadable':
      return `cannot be read (${problem.code})`;
    case 'not-a-file':
      return 'is not a file';
    case 'not-elf':
      return `is not a shared library (${problem.archive ? 'a static archive' : 'not an ELF file'}); ${BUILD_HINT}`;
    case 'bad-encoding':
      return 'is not a shared library (bad ELF data encoding)';
    case 'not-dyn':
      return `is not a shared library (ELF type ${ET_NAMES[problem.type] ?? problem.type}, want ET_DYN); ${BUILD_HINT}`;
  }
}
