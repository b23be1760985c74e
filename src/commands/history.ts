// `hook-latency history FILE.jsonl [--out trend.html]`: the trend chart of a gate's history file
// (a copy of `<gate>.jsonl` from the data branch), rendered locally. Bad input: one line, exit 2.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '../errors';
import { parseHistoryStrict } from '../history/record';
import { renderHistoryPage } from '../report/html/trend-page';

const DEFAULT_OUT = 'trend.html';

export function historyCommand(file: string, flags: { out?: string }): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message}`);
  }
  const records = parseHistoryStrict(text, file);
  if (records.length === 0) throw new UsageError(`${file}: no history records`);
  const out = flags.out ?? DEFAULT_OUT;
  const html = renderHistoryPage(records, basename(file));
  try {
    writeFileSync(out, html);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${out}: cannot write the chart: ${code === 'ENOENT' ? 'no such directory' : (err as Error).message}`);
  }
  process.stderr.write(`trend chart of ${records.length} records written to ${out}\n`);
  return 0;
}
