// The parts of `kubectl get -o json` objects the checks read (all optional: clusters differ).
export interface KubeMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface KubeContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: { startedAt?: string };
    terminated?: { exitCode?: number; reason?: string; message?: string; startedAt?: string; finishedAt?: string };
  };
}

export interface KubeContainer {
  name: string;
  image?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

export interface KubePod {
  metadata?: KubeMeta;
  spec?: { nodeName?: string; containers?: KubeContainer[]; initContainers?: KubeContainer[] };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: KubeContainerStatus[];
    initContainerStatuses?: KubeContainerStatus[];
  };
}

export interface KubeNamespace {
  metadata?: KubeMeta;
}

export interface KubeList<T> {
  items?: T[];
}

export interface KubeNode {
  metadata?: KubeMeta;
  spec?: { unschedulable?: boolean; taints?: { key: string; effect: string }[] };
  status?: { allocatable?: Record<string, string>; conditions?: { type: string; status: string }[] };
}
