// One line of a gate's history (docs/contracts.md, "History record"): what one run on the default
// branch measured, with the facts needed to compare it only with runs made under the same conditions.
import { UsageError } from '../errors';
import type { Verdict, VerdictKind } from '../types';

export const HISTORY_SCHEMA = 1;

/** Where the run was measured: the facts that move absolute latencies when they change. */
export interface RunnerFacts {
  cpuModel: string;
  vcpus: number;
  kernel: string;
  /** Hosted runner image, `ImageOS ImageVersion` (e.g. `ubuntu24 20241201.1.0`); absent elsewhere and in older records. */
  image?: string;
}

export interface HistoryRecord {
  schema: number;
  /** The gate's name (the history file is `<gate>.jsonl`). */
  gate: string;
  commit: string;
  /** The branch the commit was measured on, without `refs/heads/`. */
  branch: string;
  /** ISO 8601 time of the run. */
  date: string;
  runtime: string;
  /** The runtime's own version line (`kind version`, `podman --version`, ...); absent when it cannot tell cheaply. */
  runtimeVersion?: string;
  runner: RunnerFacts;
  /** sha256 of the candidate's hook and of the baseline's (null: no hook in that arm). */
  hook: { sha256: string | null; baselineSha256: string | null };
  verdict: VerdictKind;
  threshold: Verdict['threshold'];
  shift: { relative: number; ns: number; ci: [number, number]; ciNs: [number, number] };
  median: { baseline: number; candidate: number };
  n: { baseline: number; candidate: number };
  rounds: number;
  /** The verdict's placement record (CPUs used), when the runtime wrote one; stored as given. */
  placement?: unknown;
  /** Link to the workflow run that measured it. */
  run?: string;
}

export interface RecordContext {
  gate: string;
  commit: string;
  branch: string;
  date: string;
  runner: RunnerFacts;
  runtimeVersion?: string;
  hook: HistoryRecord['hook'];
  run?: string;
}

/** The record of one verdict. */
export function recordOf(v: Verdict, ctx: RecordContext): HistoryRecord {
  const placement = (v as Verdict & { placement?: unknown }).placement;
  return {
    schema: HISTORY_SCHEMA,
    gate: ctx.gate,
    commit: ctx.commit,
    branch: ctx.branch,
    date: ctx.date,
    runtime: v.runtime,
    ...(ctx.runtimeVersion ? { runtimeVersion: ctx.runtimeVersion } : {}),
    runner: ctx.runner,
    hook: ctx.hook,
    verdict: v.verdict,
    threshold: v.threshold,
    shift: { relative: v.shift.relative, ns: v.shift.ns, ci: v.shift.ci, ciNs: v.shift.ciNs },
    median: { baseline: v.median.baseline, candidate: v.median.candidate },
    n: { baseline: v.n.baseline, candidate: v.n.candidate },
    rounds: v.rounds,
    ...(placement !== undefined ? { placement } : {}),
    ...(ctx.run ? { run: ctx.run } : {}),
  };
}

/** One JSON Lines line (JSON writes an unbounded interval end as null). */
export function recordLine(r: HistoryRecord): string {
  return `${JSON.stringify(r)}\n`;
}

export interface ParsedHistory {
  records: HistoryRecord[];
  /** `line N: why` for each line that is not a record (skipped). */
  problems: string[];
}

/** Parses a history file; lines that are not records are skipped and named in `problems`. */
export function parseHistory(text: string): ParsedHistory {
  const records: HistoryRecord[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch {
      problems.push(`line ${i + 1}: not valid JSON`);
      return;
    }
    const why = recordProblem(doc);
    if (why) problems.push(`line ${i + 1}: ${why}`);
    else records.push(normalise(doc as HistoryRecord));
  });
  return { records, problems };
}

/** parseHistory for a file a user named: any bad line is a UsageError naming the file and line. */
export function parseHistoryStrict(text: string, file: string): HistoryRecord[] {
  const { records, problems } = parseHistory(text);
  if (problems.length > 0) throw new UsageError(`${file}: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`);
  return records;
}

const VERDICTS = new Set(['regression', 'no-regression', 'inconclusive']);
const isNum = (v: unknown) => typeof v === 'number' || v === null;
const isPair = (v: unknown) => Array.isArray(v) && v.length === 2 && v.every(isNum);

function recordProblem(doc: unknown): string | null {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'expected a JSON object';
  const d = doc as Record<string, unknown>;
  if (d.schema !== HISTORY_SCHEMA) return `'schema' must be ${HISTORY_SCHEMA}`;
  for (const k of ['gate', 'commit', 'branch', 'date', 'runtime'] as const) if (typeof d[k] !== 'string') return `'${k}' must be a string`;
  if (Number.isNaN(Date.parse(d.date as string))) return `'date' must be an ISO 8601 time`;
  const r = d.runner as Record<string, unknown> | undefined;
  if (!r || typeof r.cpuModel !== 'string' || typeof r.vcpus !== 'number' || typeof r.kernel !== 'string') {
    return `'runner' must have cpuModel, vcpus and kernel`;
  }
  if (r.image !== undefined && typeof r.image !== 'string') return `'runner.image' must be a string`;
  if (d.runtimeVersion !== undefined && typeof d.runtimeVersion !== 'string') return `'runtimeVersion' must be a string`;
  if (!VERDICTS.has(d.verdict as string)) return `'verdict' must be regression, no-regression or inconclusive`;
  const s = d.shift as Record<string, unknown> | undefined;
  if (!s || !isNum(s.relative) || !isNum(s.ns) || !isPair(s.ci) || !isPair(s.ciNs)) return `'shift' must have relative, ns, ci and ciNs`;
  const n = d.n as Record<string, unknown> | undefined;
  if (!n || typeof n.baseline !== 'number' || typeof n.candidate !== 'number') return `'n' must have baseline and candidate counts`;
  return null;
}

/** JSON nulls (an unbounded or undefined figure when written) back to numbers; optional parts filled. */
function normalise(r: HistoryRecord): HistoryRecord {
  const num = (v: number | null, inf = NaN) => (v === null ? inf : v);
  const pair = (p: [number | null, number | null]): [number, number] => [num(p[0], -Infinity), num(p[1], Infinity)];
  return {
    ...r,
    hook: { sha256: r.hook?.sha256 ?? null, baselineSha256: r.hook?.baselineSha256 ?? null },
    shift: { relative: num(r.shift.relative), ns: num(r.shift.ns), ci: pair(r.shift.ci), ciNs: pair(r.shift.ciNs) },
    median: { baseline: num(r.median?.baseline ?? null), candidate: num(r.median?.candidate ?? null) },
  };
}
