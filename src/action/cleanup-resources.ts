// Removes what a run created, newest first, with argv arrays only (never a shell string). Every
// failure is a warning: the post step must not fail a job that already has its verdict.
import { execFile } from 'node:child_process';
import * as core from '@actions/core';
import { toolPath, type CreatedResource } from './state-helper';

/** DNS-1123 names (kind clusters, namespaces, pods); anything else is refused, never passed on. */
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const CONTEXT = /^[A-Za-z0-9][A-Za-z0-9@._:/-]{0,252}$/;

export interface Command {
  file: string;
  args: string[];
}

/** The commands that remove one resource. */
export function removalCommand(r: CreatedResource, kubeconfig?: string): Command | null {
  const [ns, pod] = r.kind === 'pod' && r.name.includes('/') ? r.name.split('/', 2) : [undefined, r.name];
  if (!NAME.test(pod) || (ns !== undefined && !NAME.test(ns))) return null;
  if (r.context !== undefined && !CONTEXT.test(r.context)) return null;
  if (r.kind === 'kind-cluster') {
    return { file: toolPath('kind'), args: ['delete', 'cluster', '--name', r.name, ...(kubeconfig ? ['--kubeconfig', kubeconfig] : [])] };
  }
  if (r.kind === 'pod' && r.context === 'podman') {
    return { file: toolPath('podman'), args: ['pod', 'rm', '--force', '--ignore', pod] };
  }
  const kube = [...(kubeconfig ? ['--kubeconfig', kubeconfig] : []), ...(r.context ? ['--context', r.context] : [])];
  if (r.kind === 'namespace') {
    return { file: toolPath('kubectl'), args: [...kube, 'delete', 'namespace', r.name, '--ignore-not-found', '--wait=false'] };
  }
  return {
    file: toolPath('kubectl'),
    args: [...kube, ...(ns ? ['--namespace', ns] : []), 'delete', 'pod', pod, '--ignore-not-found', '--wait=false', '--grace-period=0', '--force'],
  };
}

export async function removeAll(resources: CreatedResource[], kubeconfig?: string): Promise<number> {
  let failures = 0;
  const deletedClusters = new Set<string>();
  for (const r of [...resources].reverse().sort(byOrder)) {
    // A namespace or pod inside a kind cluster we already deleted went with it.
    if (r.kind !== 'kind-cluster' && r.context && deletedClusters.has(r.context)) continue;
    const cmd = removalCommand(r, kubeconfig);
    if (!cmd) {
      core.warning(`cleanup: refusing to pass the unexpected name '${r.name}' (${r.kind}) to a command`);
      failures++;
      continue;
    }
    core.info(`cleanup: ${cmd.file} ${cmd.args.join(' ')}`);
    const err = await exec(cmd);
    if (err) {
      core.warning(`cleanup of ${r.kind} ${r.name} failed: ${err}`);
      failures++;
    } else if (r.kind === 'kind-cluster') deletedClusters.add(`kind-${r.name}`);
  }
  return failures;
}

/** Pods before namespaces before clusters; within a kind, newest first (input is already reversed). */
function byOrder(a: CreatedResource, b: CreatedResource): number {
  const rank = { pod: 0, namespace: 1, 'kind-cluster': 2 } as const;
  return rank[a.kind] - rank[b.kind];
}

function exec(cmd: Command): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(cmd.file, cmd.args, { timeout: 5 * 60_000, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (stdout.trim()) core.info(stdout.trim());
      if (!err) return resolve(null);
      const code = (err as NodeJS.ErrnoException).code;
      resolve(code === 'ENOENT' ? `${cmd.file} not found` : (stderr.trim().split('\n').at(-1) ?? '') || err.message);
    });
  });
}
