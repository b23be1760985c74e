// npm run bench: the performance figures of the project, printed (never asserted in unit tests).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readPaperTrace } from '../src/study/paper-trace';
import { benchAnalyze } from './analyze';
import { benchLoadgen } from './loadgen';

const root = resolve(process.cwd());
const dataDir = process.env.PAPER_DATA ?? join(root, '..', 'shared', 'paper-data');
const traces = readdirSync(dataDir).filter((f) => f.endsWith('.csv.gz')).sort().map((f) => readPaperTrace(join(dataDir, f)));
const dir = mkdtempSync(join(tmpdir(), 'hook-latency-bench-'));
const only = process.argv[2];
const sections: Array<[string, () => Promise<string[]>]> = [
  ['statistics', () => benchAnalyze(traces, dir, join(root, 'dist', 'cli.js'))],
  ['load generator', () => {
    execFileSync('make', ['-s', '-C', join(root, 'hook')]);
    return benchLoadgen(join(root, 'examples', 'sut', 'build', 'sut'));
  }],
];
try {
  for (const [name, run] of sections) {
    if (only && !name.startsWith(only)) continue;
    console.log(`\n## ${name}`);
    for (const line of await run()) console.log(line);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
