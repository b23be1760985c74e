// Which records may be compared: the same runtime and runner type (absolute latencies of one scale)
// and the same environment (kernel, runner image, runtime version).
import type { RunnerFacts } from './record';

export interface Conditions {
  runtime: string;
  runtimeVersion?: string;
  runner: RunnerFacts;
}

/** Same runtime and same kind of runner (CPU model, vCPUs): absolute latencies are of one scale. */
export function sameRunnerType(a: Conditions, b: Conditions): boolean {
  return a.runtime === b.runtime && a.runner.cpuModel === b.runner.cpuModel && a.runner.vcpus === b.runner.vcpus;
}

/** The environment facts that differ between a and b ("kernel: Linux 6.5 → Linux 6.8"); a missing fact is "unknown". */
export function environmentChanges(a: Conditions, b: Conditions): string[] {
  const facts: Array<[string, (c: Conditions) => string | undefined]> = [
    ['kernel', (c) => c.runner.kernel],
    ['runner image', (c) => c.runner.image],
    ['runtime version', (c) => c.runtimeVersion],
  ];
  return facts.filter(([, get]) => get(a) !== get(b)).map(([name, get]) => `${name}: ${get(a) ?? 'unknown'} → ${get(b) ?? 'unknown'}`);
}

/** Comparable: the same runner type and the same environment (kernel, runner image, runtime version). */
export function sameConditions(a: Conditions, b: Conditions): boolean {
  return sameRunnerType(a, b) && environmentChanges(a, b).length === 0;
}

/** "kind · AMD EPYC 7763 64-Core Processor · 4 vCPUs" */
export function conditionsLabel(c: Conditions): string {
  return `${c.runtime} · ${c.runner.cpuModel} · ${c.runner.vcpus} vCPU${c.runner.vcpus === 1 ? '' : 's'}`;
}
