// npm run demo: build the reference hooks and the example SUT, then gate two candidates on this
// machine: the no-op hook in both arms (a true A/A, must pass) and a hook that busy-waits 20 µs per
// read (must fail).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');

console.log('building hooks and the example SUT (make -C hook) ...');
execFileSync('make', ['-s', '-C', join(root, 'hook')], { stdio: 'inherit' });
if (!existsSync(cli)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });

const examples = [
  ['examples/local/aa.yml', 'no-op hook in both arms (A/A control): expect no regression'],
  ['examples/local/slow.yml', 'hook that busy-waits 20 µs per read: expect a regression'],
];
let failed = false;
for (const [config, what] of examples) {
  console.log(`\n=== ${what}\n$ hook-latency run --config ${config}\n`);
  const r = spawnSync(process.execPath, [cli, 'run', '--config', config, '--out', join('out', config.replace(/\W+/g, '-'))], {
    cwd: root,
    stdio: 'inherit',
  });
  console.log(`exit code ${r.status}`);
  const expected = config.endsWith('aa.yml') ? 0 : 1;
  if (r.status !== expected) failed = true;
}
console.log(failed ? '\ndemo: a verdict was not the expected one (see above)' : '\ndemo: both verdicts as expected; samples, verdict and summary in out/');
process.exitCode = failed ? 1 : 0;
