// The paper's recommendations as environment checks: pure functions over what the runtimes collect.
export { sameHostCheck, samePodCheck } from './same-pod';
export { sameNodeCheck } from './same-node';
export { serviceMeshCheck } from './service-mesh';
export { nodeTenancyCheck } from './node-tenancy';
export { cpuThrottlingCheck, memoryLimitCheck, parseCpuStat, parseLimit } from './resource-limits';
export type { KubePod, KubeNamespace, KubeList, KubeContainerStatus, KubeNode } from './kube-types';
export { placementCheck } from './placement';
