// Which nodes may run the pods: the hook has to load in the SUT there, so a cluster with nodes of
// several architectures (or Windows nodes) must put the pods on nodes of the hook's. The well-known
// labels kubernetes.io/arch (GOARCH names) and kubernetes.io/os, which the kubelet sets on every node.
import type { Config } from '../../config';
import { elfMachine } from '../../native';

/** ELF e_machine to GOARCH, the value of kubernetes.io/arch: EM_X86_64, EM_AARCH64, EM_386, EM_ARM. */
const GOARCH: Record<number, string> = { 62: 'amd64', 183: 'arm64', 3: '386', 40: 'arm' };

/** The node selector for the hooks' architecture (an ELF shared object runs on Linux); empty without a hook. */
export function hookNodeSelector(config: Pick<Config, 'hook' | 'baselineHook'>): Record<string, string> {
  for (const hook of [config.hook, config.baselineHook]) {
    const machine = hook ? elfMachine(hook) : null;
    const arch = machine === null ? undefined : GOARCH[machine];
    if (arch) return { 'kubernetes.io/arch': arch, 'kubernetes.io/os': 'linux' };
  }
  return {};
}
