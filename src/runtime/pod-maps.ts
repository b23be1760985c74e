// Proof that a SUT process is hooked: the hook's .so is mapped (its /proc/<pid>/maps has the path).
// ConfigMap volumes on Kubernetes are symlinks into a timestamped ..data dir, so the mapped path is
// <mount dir>/..<stamp>/<file>; podman maps <mount dir>/<file>.
import { RunError } from '../errors';
import { loaderMessage } from '../native';
import { CONTAINERS, HOOK_DIRS, type PodPlan } from './manifest';
import { tail } from './pod-exec';

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
}

/** The SUT containers that must map a hook: the candidate with `hook`, the baseline with `baselineHook`. */
export function hookedContainers(plan: Pick<PodPlan, 'hook' | 'baselineHook'>): HookedContainer[] {
  const out: HookedContainer[] = [];
  if (plan.hook) out.push({ container: CONTAINERS.candidate, dir: HOOK_DIRS.candidate, fileName: plan.hook.fileName });
  if (plan.baselineHook) out.push({ container: CONTAINERS.baseline, dir: HOOK_DIRS.baseline, fileName: plan.baselineHook.fileName });
  return out;
}

/** "hook was not loaded" for a SUT whose maps lack the hook; `where` names the container, `log` is its log. */
export function hookNotLoaded(h: HookedContainer, where: string, log: string): RunError {
  const ld = loaderMessage(log);
  return new RunError(`hook was not loaded: ${h.dir}/${h.fileName} is not mapped in ${where}${ld ? ` (${ld})` : ''}; its log:\n${tail(log)}`);
}
