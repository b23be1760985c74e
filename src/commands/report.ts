// `hook-latency report SAMPLES.csv [--verdict verdict.json] [--out report.html]`: the HTML report of
// a recording. Without --verdict the verdict is computed exactly as `analyze` does (one look).
// Bad input is a UsageError (exit 2, one line), as for analyze.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors';
import { renderReport } from '../report/html/render';
import { readSamples } from '../samples/read';
import type { RoundData, Verdict } from '../types';
import { formatThreshold } from '../units';
import { oneLookVerdict } from '../engine';

export interface ReportFlags {
  verdict?: string;
  out?: string;
  threshold?: string;
  alpha?: string;
}

const DEFAULT_REPORT_OUT = 'report.html';

export async function reportCommand(samplesFile: string, flags: ReportFlags): Promise<number> {
  if (flags.verdict && (flags.threshold !== undefined || flags.alpha !== undefined)) {
    throw new UsageError('--threshold and --alpha apply only without --verdict (the verdict file carries its own)');
  }
  const rounds = await readSamples(samplesFile);
  const verdict = flags.verdict ? readVerdict(flags.verdict) : await computeVerdict(rounds, flags);
  const out = flags.out ?? DEFAULT_REPORT_OUT;
  const environment: Record<string, string> = {
    samples: resolve(samplesFile),
    verdict: flags.verdict ? resolve(flags.verdict) : 'computed by `report` (one look, as analyze)',
    threshold: formatThreshold(verdict.threshold),
    alpha: String(verdict.alpha),
  };
  const html = renderReport({ rounds, verdict, environment });
  try {
    writeFileSync(out, html);
  } catch (err) {
    throw new UsageError(`${out}: cannot write the report: ${fsProblem(err, 'no such directory')}`);
  }
  process.stderr.write(`report written to ${out} (${Math.round(Buffer.byteLength(html) / 1024)} KiB)\n`);
  return 0;
}

/** No verdict file: compute it as `analyze` does, with the budget and alpha given as flags. */
function computeVerdict(rounds: RoundData[], flags: ReportFlags): Promise<Verdict> {
  const raw: Record<string, unknown> = {};
  if (flags.threshold !== undefined) raw.threshold = flags.threshold;
  if (flags.alpha !== undefined) raw.alpha = flags.alpha;
  return oneLookVerdict(rounds, [raw]);
}

/** Reads and shape-checks a verdict JSON file; every problem is one UsageError naming the file. */
export function readVerdict(file: string): Verdict {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: ${fsProblem(err, 'no such file')}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file}: not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  const problem = verdictProblem(doc);
  if (problem) throw new UsageError(`${file}: not a hook-latency verdict: ${problem}`);
  const v = denull(doc) as Verdict;
  // JSON has no Infinity: an unbounded interval end was written as null.
  const raw = (doc as { shift: { ci: unknown[]; ciNs?: unknown[] } }).shift;
  const ends = (pair: unknown[]): [number, number] => [typeof pair[0] === 'number' ? pair[0] : -Infinity, typeof pair[1] === 'number' ? pair[1] : Infinity];
  // Optional in older or hand-written files: fill what the report only displays.
  return {
    ...v,
    reason: typeof v.reason === 'string' ? v.reason : '',
    looks: Array.isArray(v.looks) ? v.looks : [],
    checks: Array.isArray(v.checks) ? v.checks : [],
    warmup: { removed: v.warmup?.removed ?? 0, invalidRounds: v.warmup?.invalidRounds ?? [] },
    errors: v.errors ?? { baseline: 0, candidate: 0 },
    lag1: v.lag1 ?? { baseline: NaN, candidate: NaN },
    median: v.median ?? { baseline: NaN, candidate: NaN },
    shift: { ...v.shift, ci: ends(raw.ci), ciNs: Array.isArray(raw.ciNs) ? ends(raw.ciNs) : [NaN, NaN] },
    z: typeof v.z === 'number' ? v.z : NaN,
    boundary: typeof v.boundary === 'number' ? v.boundary : NaN,
    alpha: typeof v.alpha === 'number' ? v.alpha : NaN,
    iidP: typeof v.iidP === 'number' ? v.iidP : NaN,
    power: typeof v.power === 'number' ? v.power : NaN,
    plannedRequests: typeof v.plannedRequests === 'number' ? v.plannedRequests : NaN,
    mode: v.mode === 'micro' ? 'micro' : 'macro',
    runtime: typeof v.runtime === 'string' ? v.runtime : 'unknown',
  };
}

/** Why a file could not be read or written, in a few words. */
function fsProblem(err: unknown, enoent: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? enoent : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
}

/** A deep copy with JSON nulls (NaN or Infinity when written) as NaN. */
function denull(x: unknown): unknown {
  if (x === null) return NaN;
  if (Array.isArray(x)) return x.map(denull);
  if (typeof x === 'object') return Object.fromEntries(Object.entries(x as object).map(([k, v]) => [k, denull(v)]));
  return x;
}

const VERDICTS = new Set(['regression', 'no-regression', 'inconclusive']);
const STATUSES = new Set(['pass', 'warn', 'fail']);

function verdictProblem(doc: unknown): string | null {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'expected a JSON object';
  const d = doc as Record<string, unknown>;
  const num = (v: unknown) => typeof v === 'number' || v === null;
  if (!VERDICTS.has(d.verdict as string)) return `'verdict' must be regression, no-regression or inconclusive`;
  if (!num(d.p)) return `'p' must be a number`;
  const t = d.threshold as Record<string, unknown> | undefined;
  if (!t || typeof t !== 'object' || !(typeof t.relative === 'number' || typeof t.ns === 'number')) {
    return `'threshold' must be {"relative": R} or {"ns": N}`;
  }
  const s = d.shift as Record<string, unknown> | undefined;
  if (!s || typeof s !== 'object' || !num(s.relative) || !num(s.ns) || !Array.isArray(s.ci) || s.ci.length !== 2) {
    return `'shift' must have relative, ns and ci [low, high]`;
  }
  const n = d.n as Record<string, unknown> | undefined;
  if (!n || typeof n !== 'object' || typeof n.baseline !== 'number' || typeof n.candidate !== 'number') {
    return `'n' must have baseline and candidate counts`;
  }
  if (typeof d.rounds !== 'number') return `'rounds' must be a number`;
  if (d.checks !== undefined) {
    if (!Array.isArray(d.checks)) return `'checks' must be an array`;
    for (const c of d.checks as Array<Record<string, unknown>>) {
      if (!c || typeof c !== 'object' || typeof c.id !== 'string' || !STATUSES.has(c.status as string) || typeof c.detail !== 'string') {
        return `each check needs id, status (pass|warn|fail) and detail`;
      }
    }
  }
  if (d.looks !== undefined && !Array.isArray(d.looks)) return `'looks' must be an array`;
  return null;
}
