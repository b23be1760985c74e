// Recommendation 1: load generator and SUTs in the same pod (shared network namespace).
import type { Check } from '../types';

export function samePodCheck(pod: { name: string; containers: string[] }, split = false, optIn = false): Check {
  if (!split) {
    return { id: 'same-pod', status: 'pass', detail: `loadgen and both SUTs ran as containers of pod ${pod.name} (${pod.containers.join(', ')})` };
  }
  return {
    id: 'same-pod',
    status: optIn ? 'warn' : 'fail',
    detail: `loadgen and SUTs ran in separate pods${optIn ? ' (opted in)' : ' without opt-in'}: network latency between pods enters every sample`,
  };
}

/** Recommendation 1 on the local runtime: no pod, but load generator and both arms on one host. */
export function sameHostCheck(): Check {
  return { id: 'same-pod', status: 'pass', detail: 'local runtime: load generator and both SUT arms on one host, over loopback' };
}
