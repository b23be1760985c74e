// Removes what a run created and did not remove itself (ResourceLedger), newest first, with argv
// arrays only (never a shell string): the Action's post step and the CLI's Ctrl-C use it. Every
// failure is a warning: a cleanup must not fail a run that already has its verdict.
import { messageOf } from '../errors';
import { RESOURCE_KINDS, type CreatedResource, type Tool } from './contract';
import { cleanStderr, run } from './pod/exec';

export interface RemovalOptions {
  kubeconfig?: string;
  /** The binaries the run used (ResourceLedger.toolUsed); default: the name, found on PATH. */
  tools?: Partial<Record<Tool, string>>;
  log: { info(line: string): void; warning(line: string): void };
}

/** DNS-1123 names (kind clusters, namespaces, pods); anything else is refused, never passed on. */
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const CONTEXT = /^[A-Za-z0-9][A-Za-z0-9@._:/-]{0,252}$/;

/** The argv that removes one resource, or null for a name that is not a name. */
function removalArgv(r: CreatedResource, kubeconfig: string | undefined, toolPath: (t: Tool) => string): string[] | null {
  const [ns, pod] = (r.kind === 'pod' || r.kind === 'configmap') && r.name.includes('/') ? r.name.split('/', 2) : [undefined, r.name];
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
  if (r.kind === 'configmap') {
    return [...kubectl, ...(ns ? ['--namespace', ns] : []), 'delete', 'configmap', pod, '--ignore-not-found', '--wait=false'];
  }
  return [...kubectl, ...(ns ? ['--namespace', ns] : []), 'delete', 'pod', pod, '--ignore-not-found', '--wait=false', '--grace-period=0', '--force'];
}

/** Removes RESOURCES; returns how many could not be removed. */
export async function removeAll(resources: CreatedResource[], opts: RemovalOptions): Promise<number> {
  const { kubeconfig, log } = opts;
  const toolPath = (t: Tool) => opts.tools?.[t] ?? t;
  let failures = 0;
  const deletedClusters = new Set<string>();
  for (const r of [...resources].reverse().sort(byOrder)) {
    // A namespace, pod or ConfigMap inside a kind cluster we already deleted went with it.
    if (r.kind !== 'kind-cluster' && r.context && deletedClusters.has(r.context)) continue;
    const argv = removalArgv(r, kubeconfig, toolPath);
    if (!argv) {
      log.warning(`cleanup: refusing to pass the unexpected name '${r.name}' (${r.kind}) to a command`);
      failures++;
      continue;
    }
    log.info(`cleanup: ${argv.join(' ')}`);
    const err = await exec(argv, log);
    if (err) {
      log.warning(`cleanup of ${r.kind} ${r.name} failed: ${err}`);
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
async function exec(argv: string[], log: RemovalOptions['log']): Promise<string | null> {
  let r;
  try {
    r = await run(argv, { timeoutMs: 5 * 60_000 });
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${argv[0]} not found` : messageOf(err);
  }
  if (r.stdout.trim()) log.info(r.stdout.trim());
  if (r.code === 0 && !r.timedOut) return null;
  return cleanStderr(r.stderr).split('\n').at(-1) || (r.timedOut ? `${argv[0]} timed out` : `${argv[0]} exited with ${r.code}`);
}
