// `node scripts/run-ts.mjs src/study/history-main.ts [--reps N]`: the change point study of
// docs/method.md ("Change points in the history"), printed as a markdown table.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Prng } from '../experiment/prng';
import { quantileSorted } from '../stats/quantile';
import { recordNoisePool, runScenario, scenarios, tableRow } from './history-study';
import { readPaperTrace } from './paper-trace';

const arg = process.argv.indexOf('--reps');
const reps = arg > 0 ? Number(process.argv[arg + 1]) : 200;
const dataDir = process.env.PAPER_DATA ?? join(process.cwd(), 'data', 'paper');
const traces = readdirSync(dataDir)
  .filter((f) => f.includes('without') && f.endsWith('.csv.gz'))
  .sort()
  .map((f) => readPaperTrace(join(dataDir, f)));
const rng = new Prng(2026);
const noise = recordNoisePool(traces, 400, rng);
const sorted = Float64Array.from(noise).sort();
const mean = noise.reduce((s, v) => s + v, 0) / noise.length;
const sd = Math.sqrt(noise.reduce((s, v) => s + (v - mean) ** 2, 0) / (noise.length - 1));
const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
console.log(
  `record noise: ${noise.length} A/A records (2000 interleaved requests per arm) from ${traces.length} traces: ` +
    `sd ${pct(sd)}, 5-95 % ${pct(quantileSorted(sorted, 0.05))} … ${pct(quantileSorted(sorted, 0.95))}`,
);
console.log(`E-divisive: alpha = 1, segments >= 5 records, 199 permutations, p <= 0.05; ${reps} histories per row\n`);
console.log('| history | records | step found within ±2 records | false change points per 100 records | median location error (records) |');
console.log('|---|---:|---:|---:|---:|');
for (const s of scenarios()) console.log(tableRow(runScenario(s, reps, noise, rng)));
