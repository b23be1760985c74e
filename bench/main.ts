// npm run bench: the performance figures of the project, printed (never asserted in unit tests).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readPaperTrace } from '../src/study/paper-trace';
import { benchAnalyze } from './analyze';
import { benchCost } from './cost';
import { benchHistory } from './history';
import { benchLoadgen } from './loadgen';
import { benchReport } from './report';
import { resolution } from '../src/micro/benchmark';

const root = resolve(process.cwd());
const dataDir = process.env.PAPER_DATA ?? join(root, 'data', 'paper');
const traces = readdirSync(dataDir).filter((f) => f.endsWith('.csv.gz')).sort().map((f) => readPaperTrace(join(dataDir, f)));
const dir = mkdtempSync(join(tmpdir(), 'hook-latency-bench-'));
const only = process.argv[2];
const sections: Array<[string, () => Promise<string[]>]> = [
  ['statistics', () => benchAnalyze(traces, dir, join(root, 'dist', 'cli.js'))],
  ['load generator', () => benchLoadgen(root)],
  ['micro', async () => {
    const r = await resolution();
    return [
      `micro driver resolution (read, ${r.rounds} rounds x ${r.batches} batches x ${r.batchSize} calls, A/A without a hook): ` +
        `${r.ns.toFixed(1)} ns per call is the smallest overhead distinguishable from zero ` +
        `(CI half-widths ${r.halfWidths.map((h) => h.toFixed(1)).join(', ')} ns; baseline read ${r.baselineNs.toFixed(0)} ns/call; ${(r.elapsedMs / 1000).toFixed(1)} s)`,
    ];
  }],
  ['cost', () => benchCost(root, dir)],
  ['history', async () => benchHistory()],
  ['report', async () => {
    const r = await benchReport(1_000_000);
    return [`HTML report of 1 000 000 samples: rendered in ${r.renderMs.toFixed(0)} ms, ${(r.bytes / 1024).toFixed(0)} KiB, no scripts (drawing is downsampled, statistics are not)`];
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
