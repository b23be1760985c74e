// The in-memory ResourceLedger: what a run has created and not yet removed, and the tools it used.
// The Action persists it for its post step (onChange); the CLI reads it on Ctrl-C.
import type { CreatedResource, ResourceLedger, Tool } from '../runtime/contract';

function same(a: CreatedResource, b: CreatedResource): boolean {
  return a.kind === b.kind && a.name === b.name && (a.context ?? '') === (b.context ?? '');
}

function normalized(r: CreatedResource): CreatedResource {
  return r.context ? { kind: r.kind, name: r.name, context: r.context } : { kind: r.kind, name: r.name };
}

export class ResourceList implements ResourceLedger {
  private list: CreatedResource[] = [];
  private readonly toolPaths: Partial<Record<Tool, string>> = {};

  constructor(private readonly onChange: (what: 'created' | 'tools') => void = () => {}) {}

  created(r: CreatedResource): void {
    if (this.list.some((c) => same(c, r))) return;
    this.list.push(normalized(r));
    this.onChange('created');
  }

  removed(r: CreatedResource): void {
    const before = this.list.length;
    this.list = this.list.filter((c) => !same(c, r));
    if (this.list.length !== before) this.onChange('created');
  }

  toolUsed(tool: Tool, path: string): void {
    this.toolPaths[tool] = path;
    this.onChange('tools');
  }

  /** Created and not yet removed, oldest first. */
  resources(): CreatedResource[] {
    return [...this.list];
  }

  tools(): Partial<Record<Tool, string>> {
    return { ...this.toolPaths };
  }
}
