// `hook-latency history FILE.jsonl [--out trend.html] [--json] [--fail-on-change]`: the trend chart of a
// gate's history file (a copy of `<gate>.jsonl` from the data branch), rendered locally, and its spans
// and change points. `--fail-on-change` is for a scheduled job watching the default branch, never for
// the PR gate: a change point is found across merges, not measured against a control in one run.
// Bad input: one line, exit 2.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { EXIT, UsageError } from '../errors';
import { analyseHistory, newestSpanChanges } from '../history/change-points';
import { parseHistoryStrict } from '../history/record';
import { signedNs } from '../history/trend';
import { renderHistoryPage } from '../report/html/trend-page';

const DEFAULT_OUT = 'trend.html';
export const HISTORY_FLAGS = ['out', 'json', 'fail-on-change', 'help'];

export interface HistoryFlags {
  out?: string;
  json?: boolean;
  failOnChange?: boolean;
}

export function historyCommand(file: string, flags: HistoryFlags): number {
  const records = readRecords(file);
  const analysis = analyseHistory(records);
  // With --json the chart is written only when --out asks for it; stdout carries the JSON alone.
  if (!flags.json || flags.out) writeChart(flags.out ?? DEFAULT_OUT, renderHistoryPage(records, basename(file), analysis), records.length);
  if (flags.json) process.stdout.write(`${JSON.stringify(analysis, null, 1)}\n`);
  const fresh = newestSpanChanges(analysis);
  for (const c of fresh) {
    process.stderr.write(`change point in the newest span: ${signedNs(c.shift)} since ${c.range[0].slice(0, 7)}…${c.range[1].slice(0, 7)} (record ${c.index}, p = ${c.p.toFixed(3)})\n`);
  }
  return flags.failOnChange && fresh.length > 0 ? EXIT.regression : EXIT.ok;
}

function readRecords(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message}`);
  }
  const records = parseHistoryStrict(text, file);
  if (records.length === 0) throw new UsageError(`${file}: no history records`);
  return records;
}

function writeChart(out: string, html: string, count: number): void {
  try {
    writeFileSync(out, html);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${out}: cannot write the chart: ${code === 'ENOENT' ? 'no such directory' : (err as Error).message}`);
  }
  process.stderr.write(`trend chart of ${count} records written to ${out}\n`);
}
