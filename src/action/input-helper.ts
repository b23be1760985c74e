// Action inputs -> the one config schema (src/config.ts). Inputs carry the config file's kebab-case
// names; a few are the Action's own. Layers, later wins:
//   config defaults < Action defaults (runtime kind, out dir) < config file (`config`) < inputs.
// Inputs in action.yml default to '' so an input the user did not set never hides the config file.
import { isAbsolute, join, resolve } from 'node:path';
import * as core from '@actions/core';
import { buildConfig, loadConfigFile, mergeConfig, type Config, type RawConfig } from '../config';
import { UsageError } from '../errors';
import { HISTORY_INPUTS, readHistoryInputs, type HistorySettings } from './history';

/** Inputs that are config keys, passed through unchanged. */
export const CONFIG_INPUTS = [
  'runtime', 'replay', 'hook', 'baseline-hook', 'threshold', 'tail', 'tail-threshold', 'alpha', 'power', 'mde', 'max-requests',
  'max-duration', 'requests-per-round', 'warmup-requests', 'connection', 'concurrency', 'timeout', 'look-every',
  'min-rounds', 'seed', 'placement', 'decompose', 'fail-on', 'out', 'cluster-name', 'kind-version', 'kind-config',
  'reuse-cluster', 'kube-context', 'kubeconfig', 'namespace', 'loadgen-image', 'cpu', 'memory',
  'loadgen-cpu', 'loadgen-memory', 'pod-timeout',
] as const;

/** Inputs that fill the config's `sut` mapping. */
export const SUT_INPUTS = {
  'sut-image': 'image',
  'sut-command': 'command',
  'sut-port': 'port',
  'sut-ready-path': 'ready-path',
  'sut-ready-timeout': 'ready-timeout',
} as const;

/** Inputs of the Action alone. */
export const ACTION_INPUTS = ['mode', 'config', 'working-directory', 'github-token', 'comment', 'comment-key', 'artifact-name'] as const;

type InputName = (typeof ACTION_INPUTS)[number] | (typeof HISTORY_INPUTS)[number] | (typeof CONFIG_INPUTS)[number] | keyof typeof SUT_INPUTS;

export const ALL_INPUTS: readonly InputName[] = [...ACTION_INPUTS, ...HISTORY_INPUTS, ...CONFIG_INPUTS, ...(Object.keys(SUT_INPUTS) as (keyof typeof SUT_INPUTS)[])];

const COMMENT_MODES = ['always', 'on-regression', 'never'] as const;
export type CommentMode = (typeof COMMENT_MODES)[number];

/** What the Action sets where the CLI's default differs. */
function actionDefaults(env: NodeJS.ProcessEnv): RawConfig {
  const step = (env.GITHUB_ACTION ?? '').replace(/[^A-Za-z0-9_.-]/g, '_') || 'run';
  const out = env.RUNNER_TEMP ? join(env.RUNNER_TEMP, `hook-latency-${step}`) : 'hook-latency-results';
  return { runtime: 'kind', out };
}

export interface ActionInputs {
  config: Config;
  githubToken: string;
  comment: CommentMode;
  /** Finds this step's PR comment again: the comment-key input (job and matrix leg by default) and the step id. */
  commentKey: string;
  artifactName: string;
  history: HistorySettings;
}

/**
 * An artifact name no other upload of the workflow run takes: artifacts v4 refuse a second artifact
 * of the same name in a run (a matrix leg, a second gate step, a re-run attempt would lose theirs).
 * comment-key defaults to `<job>/<matrix job index>`; the step id and the run attempt are added.
 */
export function defaultArtifactName(commentKey: string, env: NodeJS.ProcessEnv): string {
  const parts = [commentKey || env.GITHUB_JOB || 'job', (env.GITHUB_ACTION ?? 'run').replace(/^_+/, ''), env.GITHUB_RUN_ATTEMPT || '1'];
  return `hook-latency-${parts.join('-')}`.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/-{2,}/g, '-').slice(0, 200);
}

/** A comment key as it goes inside the hidden HTML comment: nothing that could end it. */
export function safeCommentKey(key: string): string {
  return key.replace(/[^A-Za-z0-9._/:-]/g, '_').replace(/-{2,}/g, '-').slice(0, 200);
}

/** Only declared inputs can be read (action-yml.test checks action.yml declares exactly ALL_INPUTS). */
type GetInput = (name: InputName) => string;

/** The layer of inputs the user set (empty ones are "not given"). */
function inputLayer(get: GetInput): RawConfig {
  const raw: RawConfig = {};
  for (const name of CONFIG_INPUTS) raw[name] = get(name);
  const sut: RawConfig = {};
  for (const [name, key] of Object.entries(SUT_INPUTS) as [keyof typeof SUT_INPUTS, string][]) {
    const v = get(name);
    if (v !== '') sut[key] = v;
  }
  if (Object.keys(sut).length > 0) raw.sut = sut;
  return raw;
}

/**
 * Reads and validates every input. Changes into `working-directory` first, so relative paths in
 * inputs (hook, replay, config, kubeconfig) mean what they mean in the user's `run:` steps.
 * Throws UsageError, one line, on any bad value.
 */
export function readInputs(get: GetInput = core.getInput): ActionInputs {
  const dir = get('working-directory');
  if (dir) {
    try {
      process.chdir(dir);
    } catch {
      throw new UsageError(`working-directory '${dir}' does not exist`);
    }
  }
  const comment = get('comment') || 'always';
  if (!(COMMENT_MODES as readonly string[]).includes(comment)) {
    throw new UsageError(`comment must be one of ${COMMENT_MODES.join(', ')}, got '${comment}'`);
  }
  const configPath = get('config');
  const file = configPath ? loadConfigFile(configPath) : {};
  const config = buildConfig(mergeConfig(actionDefaults(process.env), file, inputLayer(get)));
  if (config.out && !isAbsolute(config.out)) config.out = resolve(config.out);
  if (config.pod.kubeconfig && !isAbsolute(config.pod.kubeconfig)) config.pod.kubeconfig = resolve(config.pod.kubeconfig);
  const artifactName = get('artifact-name') || defaultArtifactName(get('comment-key'), process.env);
  if (/[":<>|*?\\/\r\n]/.test(artifactName)) throw new UsageError(`artifact-name must not contain " : < > | * ? \\ / or newlines, got '${artifactName}'`);
  const commentKey = safeCommentKey(`${get('comment-key') || process.env.GITHUB_JOB || 'hook-latency'}/${process.env.GITHUB_ACTION || 'run'}`);
  return { config, githubToken: get('github-token'), comment: comment as CommentMode, commentKey, artifactName, history: readHistoryInputs(get) };
}
