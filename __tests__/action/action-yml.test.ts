// action.yml is the Action's interface: it must match what the code reads and writes, the config
// schema's defaults, and the generated table in docs/action.md.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ACTION_INPUTS, ALL_INPUTS, CONFIG_INPUTS, SUT_INPUTS } from '../../src/action/input-helper';
import { OUTPUTS } from '../../src/action/outputs';
import { DEFAULTS } from '../../src/config';
import { ROOT } from '../helpers';

interface Input {
  description?: string;
  default?: string;
  required?: boolean;
}
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, Input>;
  outputs: Record<string, { description?: string }>;
  runs: Record<string, string>;
  branding: Record<string, string>;
};

describe('action.yml', () => {
  it('runs on node24 with a post step, and has branding', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js', post: 'dist/cleanup.js' });
    expect(action.branding.icon).toBeTruthy();
    expect(action.branding.color).toBeTruthy();
  });

  it('declares exactly the inputs the code reads, each with a description and a default', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...ALL_INPUTS].sort());
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description, name).toBeTruthy();
      expect('default' in input, name).toBe(true);
      expect(input.required ?? false, name).toBe(false);
    }
  });

  it('leaves config inputs empty (so a config file is never hidden) and names the schema default', () => {
    for (const name of [...CONFIG_INPUTS, ...Object.keys(SUT_INPUTS)]) expect(action.inputs[name].default, name).toBe('');
    const actionOwn: Record<string, string> = { runtime: 'kind' };
    for (const name of CONFIG_INPUTS) {
      const expected = actionOwn[name] ?? (DEFAULTS as Record<string, string | number>)[name];
      if (expected === undefined) continue;
      expect(action.inputs[name].description, name).toContain(`Default: \`${expected}\``);
    }
  });

  it('has the Action-only inputs with their real defaults', () => {
    expect(ACTION_INPUTS).toContain('github-token');
    expect(action.inputs['github-token'].default).toBe('${{ github.token }}');
    expect(action.inputs.comment.default).toBe('always');
    // Empty: the code makes a name unique per job, matrix leg, step and attempt (input-helper).
    expect(action.inputs['artifact-name'].default).toBe('');
  });

  it('declares exactly the outputs the code sets', () => {
    expect(Object.keys(action.outputs)).toEqual([...OUTPUTS]);
    for (const [name, o] of Object.entries(action.outputs)) expect(o.description, name).toBeTruthy();
  });

  it('docs/action.md has the current inputs/outputs tables (node scripts/action-docs.mjs)', () => {
    const r = spawnSync(process.execPath, ['scripts/action-docs.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = readFileSync(join(ROOT, 'docs', 'action.md'), 'utf8');
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)]) expect(doc).toContain(`| \`${name}\` |`);
  });
});

describe('example and repo workflows', () => {
  const dirs = ['examples/workflows', '.github/workflows'];
  const files = dirs.flatMap((d) => readdirSync(join(ROOT, d)).filter((f) => f.endsWith('.yml')).map((f) => join(d, f)));
  const RELEASE = '.github/workflows/release.yml';
  const FORK_COMMENT = 'examples/workflows/fork-comment.yml';
  const gates = files.filter((f) => f !== RELEASE && f !== FORK_COMMENT);

  interface Step {
    uses?: string;
    with?: Record<string, unknown>;
  }
  interface Workflow {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: Record<string, { steps: Step[]; permissions?: Record<string, string> }>;
  }
  const load = (f: string) => parse(readFileSync(join(ROOT, f), 'utf8')) as Workflow;

  it('has the six examples and the repo workflows', () => {
    expect(files.sort()).toEqual([
      '.github/workflows/ci.yml',
      '.github/workflows/dogfood.yml',
      '.github/workflows/release.yml',
      'examples/workflows/existing-cluster.yml',
      'examples/workflows/fork-comment.yml',
      'examples/workflows/history-kind.yml',
      'examples/workflows/overhead-gate-kind.yml',
      'examples/workflows/podman.yml',
      'examples/workflows/regression-gate-kind.yml',
    ]);
  });

  it.each(gates)('%s: triggered by pull_request (never pull_request_target), minimal permissions', (f) => {
    const wf = load(f);
    expect(Object.keys(wf.on)).not.toContain('pull_request_target');
    expect(Object.keys(wf.on)).toContain('pull_request');
    for (const [scope, level] of Object.entries(wf.permissions)) {
      expect(['contents:read', 'pull-requests:write']).toContain(`${scope}:${level}`);
    }
    // contents: write only for a job whose gate appends to the history branch.
    for (const [id, job] of Object.entries(wf.jobs)) {
      const appends = job.steps.some((s) => s.uses?.startsWith('org/hook-latency-action') && s.with?.history === 'on');
      for (const [scope, level] of Object.entries(job.permissions ?? {})) {
        const allowed = ['contents:read', 'pull-requests:write', ...(appends ? ['contents:write'] : [])];
        expect(allowed, `${f}: job ${id}`).toContain(`${scope}:${level}`);
      }
    }
  });

  it(`${FORK_COMMENT}: workflow_run only; reads an artifact and comments; checks out and runs nothing`, () => {
    const wf = load(FORK_COMMENT);
    expect(Object.keys(wf.on)).toEqual(['workflow_run']);
    expect(wf.permissions).toEqual({ actions: 'read', 'pull-requests': 'write' });
    const steps = Object.values(wf.jobs).flatMap((j) => j.steps);
    expect(steps).toEqual([{ uses: 'org/hook-latency-action@v1', with: { mode: 'comment' } }]);
  });

  it(`${RELEASE}: triggered only by a vX.Y.Z tag; contents: write for the release job only`, () => {
    const wf = load(RELEASE);
    expect(wf.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } });
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(Object.values(wf.jobs).map((j) => j.permissions)).toEqual([{ contents: 'write' }]);
  });

  it.each(files)('%s: passes only inputs that action.yml declares', (f) => {
    for (const job of Object.values(load(f).jobs)) {
      for (const step of job.steps) {
        if (step.uses !== './' && !step.uses?.startsWith('org/hook-latency-action')) continue;
        for (const key of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs), `${f}: ${key}`).toContain(key);
      }
    }
  });
});
