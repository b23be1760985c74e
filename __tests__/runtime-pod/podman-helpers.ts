// Shared by the podman tests: make sure podman is usable (install via scripts/setup-podman.sh only
// when missing) and list what podman holds, to prove nothing is left behind.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

function has(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function ensurePodman(): void {
  if (has('podman') && has('runc')) return;
  execFileSync('bash', [resolve(ROOT, 'scripts/setup-podman.sh')], { stdio: 'inherit', timeout: 600_000 });
}

export function podmanList(args: string[]): string[] {
  return execFileSync('podman', args, { encoding: 'utf8' }).split('\n').map((l) => l.trim()).filter(Boolean);
}

/** Pods, containers and volumes whose name carries this run id. */
export function leftovers(runId: string): string[] {
  const all = [
    ...podmanList(['pod', 'ls', '--format', '{{.Name}}']),
    ...podmanList(['ps', '-a', '--format', '{{.Names}}']),
    ...podmanList(['volume', 'ls', '--format', '{{.Name}}']),
  ];
  return all.filter((n) => n.includes(runId));
}
