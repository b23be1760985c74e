// The paper's recommendations as environment checks: pure functions over what the runtimes collect.
export { samePodCheck } from './same-pod';
export { sameNodeCheck } from './same-node';
export { serviceMeshCheck, SIDECAR_NAMES } from './service-mesh';
export { nodeTenancyCheck, SYSTEM_NAMESPACES } from './node-tenancy';
export { cpuThrottlingCheck, memoryLimitCheck, parseCpuStat, parseLimit, type ThrottleSample, type MemorySample } from './resource-limits';
export type { KubePod, KubeNamespace, KubeList, KubeContainerStatus, KubeMeta } from './kube-types';
