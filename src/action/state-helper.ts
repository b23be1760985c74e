// What the main step hands to the post step (actions/checkout style): the resources a run created,
// the tools it used to create them, and the kubeconfig it talked to. Saved with core.saveState as
// soon as they exist, so a cancelled or crashed main step still leaves the post step a full list.
// Outside GitHub Actions (CLI, tests) nothing is persisted: the in-memory list is all there is.
import * as core from '@actions/core';
import { ResourceList } from '../experiment/resource-list';
import { RESOURCE_KINDS, type CreatedResource, type Tool } from '../runtime/contract';

const KEYS = { created: 'created', tools: 'tools', kubeconfig: 'kubeconfig', started: 'started' } as const;

/** True inside a GitHub Actions step, where saveState reaches the post step. */
function persisting(): boolean {
  return Boolean(process.env.GITHUB_ACTIONS && process.env.GITHUB_STATE);
}

function save(key: string, value: unknown): void {
  if (persisting()) core.saveState(key, JSON.stringify(value));
}

/**
 * The ledger the main step hands its runtime: every change is saved at once, so a cancelled or
 * crashed main step still leaves the post step a full list.
 */
export const actionLedger: ResourceList = new ResourceList((what) =>
  what === 'created' ? save(KEYS.created, actionLedger.resources()) : save(KEYS.tools, actionLedger.tools()),
);

/** In the main step: what this process recorded. In the post step: what the main step saved. */
export function createdResources(): CreatedResource[] {
  const recorded = actionLedger.resources();
  if (recorded.length > 0) return recorded;
  return parseState<CreatedResource[]>(KEYS.created, []).filter(isResource);
}

/** The tool binaries the main step used (the post step removes with the same ones). */
export function savedTools(): Partial<Record<Tool, string>> {
  return { ...parseState<Partial<Record<Tool, string>>>(KEYS.tools, {}), ...actionLedger.tools() };
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
