// Placement inside the pod (podman, kind, kubernetes), as a pure transform of the built manifest:
// the static pin wrapper comes by ConfigMap (like the hooks) into all three containers and is put in
// front of their commands, "@-1" = the last CPU each container may use. No privileges, no
// shareProcessNamespace: the wrapper execs, so the SUT keeps its PID (1 in its container) and the
// hook proof is unchanged. The two SUT containers are listed in the round's random start order.
import type { Arm, PlacementChoice, PlacementReport } from '../../types';
import { CONTAINERS, configMapNames, podLabels, type PodManifest } from './manifest';
import { podPlacementPlan, type PlacementPlan } from '../placement';

const PIN_DIR = '/hook-latency/pin';
export const PIN_PATH = `${PIN_DIR}/pin`;
const PIN_VOLUME = 'pin';

export interface PodPlacement {
  plan: PlacementPlan;
  /** The static hook/build/pin binary (null when placement is off). */
  pin: Uint8Array | null;
  /**
   * podman: mount the host's pin binary (hostPath) instead of a ConfigMap, whose files podman
   * before 4.4 creates without the execute bit (it ignores defaultMode).
   */
  pinHostPath?: string;
  /** The arm whose container is listed (so started) first this round. */
  first: Arm;
}

type Container = Record<string, unknown> & { name: string; command?: string[]; volumeMounts?: Record<string, unknown>[] };

export function pinConfigMapName(runId: string): string {
  return configMapNames(runId).loadgen.replace(/-loadgen$/, '-pin');
}

/** Why the pod's SUTs cannot be pinned, or null: the wrapper needs the command to put itself in front. */
export function podPinNote(plan: PlacementPlan, sutCommand: string[]): string | null {
  if (plan.mode === 'off') return null;
  return sutCommand.length === 0 ? 'the SUT containers run the image entrypoint (no sut.command), so they could not be pinned' : null;
}

/** The plan a pod runtime applies (nothing pinned when the SUTs cannot be) and its initial report. */
export function podPlacement(choice: PlacementChoice, sutCommand: string[], allowed?: number[]): { plan: PlacementPlan; report: PlacementReport } {
  const wanted = podPlacementPlan(choice);
  const note = podPinNote(wanted, sutCommand);
  const plan: PlacementPlan = note ? { ...wanted, mode: 'off', loadgen: null, sut: null } : wanted;
  return { plan, report: podPlacementReport(wanted, note, allowed) };
}

export function placePod(manifest: PodManifest, runId: string, p: PodPlacement): PodManifest {
  const pod = structuredClone(manifest.pod) as unknown as { metadata: Record<string, unknown>; spec: { containers: Container[]; volumes: Record<string, unknown>[] } };
  const configMaps = [...manifest.configMaps];
  const { containers } = pod.spec;
  const byName = (n: string) => containers.find((c) => c.name === n)!;
  const [baseline, candidate, loadgen] = [byName(CONTAINERS.baseline), byName(CONTAINERS.candidate), byName(CONTAINERS.loadgen)];
  pod.spec.containers = [...(p.first === 'baseline' ? [baseline, candidate] : [candidate, baseline]), loadgen];
  const { plan, pin } = p;
  if (plan.mode === 'off' || !pin) return { pod: pod as unknown as PodManifest['pod'], configMaps };
  const mount = p.pinHostPath ? { name: PIN_VOLUME, mountPath: PIN_PATH, readOnly: true } : { name: PIN_VOLUME, mountPath: PIN_DIR, readOnly: true };
  if (p.pinHostPath) {
    pod.spec.volumes.push({ name: PIN_VOLUME, hostPath: { path: p.pinHostPath, type: 'File' } });
  } else {
    const name = pinConfigMapName(runId);
    const { namespace } = pod.metadata;
    const metadata = { name, ...(namespace ? { namespace: namespace as string } : {}), labels: podLabels(runId) };
    configMaps.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata, binaryData: { pin: Buffer.from(pin).toString('base64') } });
    pod.spec.volumes.push({ name: PIN_VOLUME, configMap: { name, defaultMode: 0o555 } });
  }
  const wrap = (c: Container, cpus: string | null) => {
    if (cpus === null || !c.command?.length) return;
    c.command = [PIN_PATH, cpus, '--', ...c.command];
    c.volumeMounts = [...(c.volumeMounts ?? []), mount];
  };
  wrap(baseline, plan.sut);
  wrap(candidate, plan.sut);
  wrap(loadgen, plan.loadgen);
  return { pod: pod as unknown as PodManifest['pod'], configMaps };
}

/** The report of a pod runtime before any round (rounds are added as they are observed). */
function podPlacementReport(plan: PlacementPlan, note: string | null, allowed?: number[]): PlacementReport {
  const unpinned = note !== null;
  return {
    requested: plan.requested,
    mode: unpinned ? 'off' : plan.mode,
    pinned: unpinned || plan.mode === 'off' ? { loadgen: null, sut: null } : { loadgen: plan.loadgen, sut: plan.sut, helpers: 'single-threaded' },
    ...(allowed ? { allowed } : {}),
    ...(note ? { note } : {}),
    rounds: [],
  };
}
