// npm run bench [section]: runs bench/main.ts (bundled on the fly); `npm run bench -- live ...` runs
// the live gate runs of bench/live.ts instead (see its header for the options).
import { spawnSync } from 'node:child_process';
const entry = process.argv[2] === 'live' ? 'bench/live.ts' : 'bench/main.ts';
const r = spawnSync(process.execPath, ['scripts/run-ts.mjs', entry, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exitCode = r.status ?? 1;
