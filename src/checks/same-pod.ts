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
