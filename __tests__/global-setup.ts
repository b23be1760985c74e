// Builds the reference hooks, the micro driver and the example SUT once, before any test file runs:
// on a fresh clone nothing is built, and test files must not depend on each other's order.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  execFileSync('make', ['-s', '-C', join(__dirname, '..', 'hook')], { stdio: 'inherit' });
}
