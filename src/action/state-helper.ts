// What the main step hands to the post step (actions/checkout style): the resources a run created,
// the tools it used to create them, and the kubeconfig it talked to. Saved with core.saveState as
// soon as they exist, so a cancelled or crashed main step still leaves the post step a full list.
// Outside GitHub Actions (CLI, tests) nothing is persisted: the in-memory list is all there is.
import * as core from '@actions/core';

/** In removal order: pods before namespaces before clusters. */
export const RESOURCE_KINDS = ['pod', 'namespace', 'kind-cluster'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export interface CreatedResource {
  kind: ResourceKind;
  name: string;
  /**
   * kubectl context the resource lives in (namespace, pod). For a pod created by podman pass
   * 'podman'. A pod name may be `namespace/name`.
   */
  context?: string;
}

export type Tool = 'kind' | 'kubectl' | 'podman';

const KEYS = { created: 'created', tools: 'tools', kubeconfig: 'kubeconfig', started: 'started' } as const;

let created: CreatedResource[] = [];
const tools: Partial<Record<Tool, string>> = {};

/** True inside a GitHub Actions step, where saveState reaches the post step. */
function persisting(): boolean {
  return Boolean(process.env.GITHUB_ACTIONS && process.env.GITHUB_STATE);
}

function save(key: string, value: unknown): void {
  if (persisting()) core.saveState(key, JSON.stringify(value));
}

function resource(kind: ResourceKind, name: string, context?: string): CreatedResource {
  return context ? { kind, name, context } : { kind, name };
}

function same(a: CreatedResource, b: CreatedResource): boolean {
  return a.kind === b.kind && a.name === b.name && (a.context ?? '') === (b.context ?? '');
}

/** A runtime calls this right after it created something the post step must remove. */
export function recordCreated(kind: ResourceKind, name: string, context?: string): void {
  const r = resource(kind, name, context);
  if (created.some((c) => same(c, r))) return;
  created.push(r);
  save(KEYS.created, created);
}

/** A runtime calls this after it removed a resource itself (its own teardown): nothing left to do. */
export function recordRemoved(kind: ResourceKind, name: string, context?: string): void {
  const r = resource(kind, name, context);
  const before = created.length;
  created = created.filter((c) => !same(c, r));
  if (created.length !== before) save(KEYS.created, created);
}

/** Where a runtime found (or downloaded) a tool, so the post step uses the same binary. */
export function recordTool(tool: Tool, path: string): void {
  tools[tool] = path;
  save(KEYS.tools, tools);
}

/** In the main step: what this process recorded. In the post step: what the main step saved. */
export function createdResources(): CreatedResource[] {
  if (created.length > 0) return [...created];
  return parseState<CreatedResource[]>(KEYS.created, []).filter(isResource);
}

export function toolPath(tool: Tool): string {
  return tools[tool] ?? parseState<Partial<Record<Tool, string>>>(KEYS.tools, {})[tool] ?? tool;
}

export function saveRunState(state: { kubeconfig?: string }): void {
  save(KEYS.started, true);
  if (state.kubeconfig) save(KEYS.kubeconfig, state.kubeconfig);
}

export function savedKubeconfig(): string | undefined {
  const v = parseState<unknown>(KEYS.kubeconfig, undefined);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function mainStarted(): boolean {
  return parseState<unknown>(KEYS.started, false) === true;
}

function parseState<T>(key: string, fallback: T): T {
  const text = core.getState(key);
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    core.warning(`ignoring unreadable action state '${key}'`);
    return fallback;
  }
}

function isResource(v: unknown): v is CreatedResource {
  const r = v as CreatedResource;
  return (
    typeof r === 'object' && r !== null && (RESOURCE_KINDS as readonly string[]).includes(r.kind) &&
    typeof r.name === 'string' && r.name !== '' && (r.context === undefined || typeof r.context === 'string')
  );
}
