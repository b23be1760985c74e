// npm run bench [section]: runs bench/main.ts (bundled on the fly).
import { spawnSync } from 'node:child_process';
const r = spawnSync(process.execPath, ['scripts/run-ts.mjs', 'bench/main.ts', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exitCode = r.status ?? 1;
