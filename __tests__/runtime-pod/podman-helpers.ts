// Shared by the podman tests: what they need installed, and what podman holds, to prove nothing is
// left behind.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { needs } from '../needs';

export const ROOT = resolve(__dirname, '../..');

/** `describe` for tests that run real pods: podman with runc, and catatonit (the pods' pause binary and the init-image's PID 1). */
export const describeWithPodman = () => needs({ podman: 'podman', runc: 'runc', catatonit: 'catatonit' }, 'sudo scripts/setup-podman.sh');

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
