// Removes what a run created, newest first, with argv arrays only (never a shell string). Every
// failure is a warning: the post step must not fail a job that already has its verdict.
import * as core from '@actions/core';
import { messageOf } from '../errors';
import { cleanStderr, run } from '../runtime/pod-exec';
import { RESOURCE_KINDS, toolPath, type CreatedResource } from './state-helper';

/** DNS-1123 names (kind clusters, namespaces, pods); anything else is refused, never passed on. */
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const CONTEXT = /^[A-Za-z0-9][A-Za-z0-9@._:/-]{0,252}$/;

/** The argv that removes one resource, or null for a name that is not a name. */
function removalArgv(r: CreatedResource, kubeconfig?: string): string[] | null {
  const [ns, pod] = r.kind === 'pod' && r.name.includes('/') ? r.name.split('/', 2) : [undefined, r.name];
  if (!NAME.test(pod) || (ns !== undefined && !NAME.test(ns))) return null;
  if (r.context !== undefined && !CONTEXT.test(r.context)) return null;
  if (r.kind === 'kind-cluster') {
    return [toolPath('kind'), 'delete', 'cluster', '--name', r.name, ...(kubeconfig ? ['--kubeconfig', kubeconfig] : [])];
  }
  if (r.kind === 'pod' && r.context === 'podman') {
    return [toolPath('podman'), 'pod', 'rm', '--force', '--ignore', pod];
  }
  const kubectl = [toolPath('kubectl'), ...(kubeconfig ? ['--kubeconfig', kubeconfig] : []), ...(r.context ? ['--context', r.context] : [])];
  if (r.kind === 'namespace') {
    return [...kubectl, 'delete', 'namespace', r.name, '--ignore-not-found', '--wait=false'];
  }
  return [...kubectl, ...(ns ? ['--namespace', ns] : []), 'delete', 'pod', pod, '--ignore-not-found', '--wait=false', '--grace-period=0', '--force'];
}

export async function removeAll(resources: CreatedResource[], kubeconfig?: string): Promise<number> {
  let failures = 0;
  const deletedClusters = new Set<string>();
  for (const r of [...resources].reverse().sort(byOrder)) {
    // A namespace or pod inside a kind cluster we already deleted went with it.
    if (r.kind !== 'kind-cluster' && r.context && deletedClusters.has(r.context)) continue;
    const argv = removalArgv(r, kubeconfig);
    if (!argv) {
      core.warning(`cleanup: refusing to pass the unexpected name '${r.name}' (${r.kind}) to a command`);
      failures++;
      continue;
    }
    core.info(`cleanup: ${argv.join(' ')}`);
    const err = await exec(argv);
    if (err) {
      core.warning(`cleanup of ${r.kind} ${r.name} failed: ${err}`);
      failures++;
    } else if (r.kind === 'kind-cluster') deletedClusters.add(`kind-${r.name}`);
  }
  return failures;
}

/** Pods before namespaces before clusters; within a kind, newest first (input is already reversed; sort is stable). */
function byOrder(a: CreatedResource, b: CreatedResource): number {
  return RESOURCE_KINDS.indexOf(a.kind) - RESOURCE_KINDS.indexOf(b.kind);
}

/** Runs argv; null on success, else why it failed (the last line of stderr when there is one). */
async function exec(argv: string[]): Promise<string | null> {
  let r;
  try {
    r = await run(argv, { timeoutMs: 5 * 60_000 });
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${argv[0]} not found` : messageOf(err);
  }
  if (r.stdout.trim()) core.info(r.stdout.trim());
  if (r.code === 0 && !r.timedOut) return null;
  return cleanStderr(r.stderr).split('\n').at(-1) || (r.timedOut ? `${argv[0]} timed out` : `${argv[0]} exited with ${r.code}`);
}
