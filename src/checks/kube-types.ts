// The Kubernetes objects the checks and the kubernetes runtime read from `kubectl get -o json`,
// as published by kubernetes-types (the API's own OpenAPI types). Type-only: nothing reaches the bundle.
export type { ContainerStatus as KubeContainerStatus, Namespace as KubeNamespace, Pod as KubePod } from 'kubernetes-types/core/v1';
export type { ObjectMeta as KubeMeta } from 'kubernetes-types/meta/v1';

/** A `kubectl get -o json` list (items absent when the API returns none). */
export type KubeList<T> = { items?: T[] };
