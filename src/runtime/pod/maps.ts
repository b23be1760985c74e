// Proof that a SUT process is hooked: the hook's .so is mapped (its /proc/<pid>/maps has the path),
// in the process that listens on the SUT's port (listener.ts), whatever PID 1 of the container is.
// ConfigMap volumes on Kubernetes are symlinks into a timestamped ..data dir, so the mapped path is
// <mount dir>/..<stamp>/<file>; podman maps <mount dir>/<file>.
import { RunError } from '../../errors';
import { loaderMessage } from '../../native';
import { CONTAINERS, HOOK_DIRS, type PodPlan } from './manifest';
import { tail } from './exec';

export function isMapped(maps: string, mountDir: string, fileName: string): boolean {
  for (const line of maps.split('\n')) {
    const i = line.indexOf('/');
    if (i < 0) continue;
    const path = line.slice(i).trim().replace(/ \(deleted\)$/, '');
    if (path.startsWith(`${mountDir}/`) && path.endsWith(`/${fileName}`)) return true;
  }
  return false;
}

export interface HookedContainer {
  /** The SUT container's name in the pod (CONTAINERS). */
  container: string;
  dir: string;
  fileName: string;
  /** The port that container's SUT listens on: the process holding it is the one proven hooked. */
  port: number;
}

/** The SUT containers that must map a hook: the candidate with `hook`, the baseline with `baselineHook`. */
export function hookedContainers(plan: Pick<PodPlan, 'hook' | 'baselineHook' | 'sut'>): HookedContainer[] {
  const out: HookedContainer[] = [];
  const { ports } = plan.sut;
  if (plan.hook) out.push({ container: CONTAINERS.candidate, dir: HOOK_DIRS.candidate, fileName: plan.hook.fileName, port: ports.candidate });
  if (plan.baselineHook) out.push({ container: CONTAINERS.baseline, dir: HOOK_DIRS.baseline, fileName: plan.baselineHook.fileName, port: ports.baseline });
  return out;
}

/** "hook was not loaded" for a SUT whose maps lack the hook; `where` names the container, `log` is its log. */
export function hookNotLoaded(h: HookedContainer, where: string, log: string): RunError {
  const ld = loaderMessage(log);
  return new RunError(`hook was not loaded: ${h.dir}/${h.fileName} is not mapped in ${where}${ld ? ` (${ld})` : ''}; its log:\n${tail(log)}`);
}
