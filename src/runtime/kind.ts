// The kind runtime: prepares a kind cluster (reuse or create; `kind` on PATH, else a pinned release
// downloaded with @actions/tool-cache inside GitHub Actions), loads the SUT image into it, then runs
// every round exactly as the kubernetes runtime does against the `kind-<name>` context. At the end
// it deletes the cluster only if it created it (and the Action's post step does so if we died).
import { chmodSync, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { recordCreated, recordRemoved, recordTool } from '../action/state-helper';
import type { Config } from '../config';
import { RunError, UsageError } from '../errors';
import type { RoundOutcome, Runtime } from '../experiment/runtime';
import type { PlacementReport } from '../types';
import { KubernetesRuntime, type KubernetesOptions } from './kubernetes';
import { cleanStderr, run, tail } from './pod-exec';

export interface KindOptions extends KubernetesOptions {
  kind?: string;
  /** kind node image (`kind create cluster --image`). */
  nodeImage?: string;
  /** Download a pinned kind when it is not on PATH (default: only inside GitHub Actions). */
  download?: boolean;
}

function onPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Downloads kind VERSION for this platform into the tool cache; returns the binary's path. */
async function downloadKind(version: string): Promise<string> {
  const tc = await import('@actions/tool-cache');
  const cached = tc.find('kind', version);
  if (cached) return join(cached, 'kind');
  const os = process.platform === 'darwin' ? 'darwin' : 'linux';
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  const url = `https://kind.sigs.k8s.io/dl/${version}/kind-${os}-${arch}`;
  const file = await tc.downloadTool(url);
  chmodSync(file, 0o755);
  const dir = await tc.cacheFile(file, 'kind', 'kind', version);
  return join(dir, 'kind');
}

export class KindRuntime implements Runtime {
  readonly name = 'kind';
  private kindBin?: string;
  private created = false;
  private ready?: Promise<void>;
  private readonly kube: KubernetesRuntime;
  private readonly cluster: string;

  constructor(
    private readonly config: Config,
    private readonly opts: KindOptions = {},
  ) {
    this.cluster = config.pod.clusterName;
    const kubeConfig: Config = { ...config, pod: { ...config.pod, kubeContext: config.pod.kubeContext ?? `kind-${this.cluster}` } };
    this.kube = new KubernetesRuntime(kubeConfig, { ...opts, name: 'kind' });
  }

  private async kind(args: string[], timeoutMs: number, what: string): Promise<string> {
    const argv = [this.kindBin as string, ...args];
    const r = await run(argv, { timeoutMs }).catch((e: NodeJS.ErrnoException) => {
      throw new RunError(`${what}: cannot run ${argv[0]}: ${e.code ?? e.message}`);
    });
    if (r.code !== 0 || r.timedOut) {
      throw new RunError(`${what} failed${r.timedOut ? ` (timed out after ${timeoutMs / 1000} s)` : ''}: ${tail(cleanStderr(r.stderr) || r.stdout, 8)}`);
    }
    return r.stdout;
  }

  private async findKind(): Promise<string> {
    if (this.opts.kind) return this.opts.kind;
    const found = onPath('kind');
    if (found) return found;
    const download = this.opts.download ?? Boolean(process.env.GITHUB_ACTIONS);
    if (!download) {
      throw new RunError(`kind not found on PATH: install kind ${this.config.pod.kindVersion} (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)`);
    }
    try {
      return await downloadKind(this.config.pod.kindVersion);
    } catch (e) {
      throw new RunError(`downloading kind ${this.config.pod.kindVersion} failed: ${(e as Error).message}`);
    }
  }

  private prepare(): Promise<void> {
    this.ready ??= (async () => {
      if (!this.config.sut.image) throw new UsageError('runtime kind needs sut.image (the SUT container image, loaded into the cluster)');
      this.kindBin = await this.findKind();
      recordTool('kind', this.kindBin);
      const clusters = (await this.kind(['get', 'clusters'], 30_000, 'kind get clusters'))
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      if (clusters.includes(this.cluster)) {
        if (!this.config.pod.reuseCluster) {
          throw new UsageError(`kind cluster '${this.cluster}' already exists and reuse-cluster is false: pick another cluster-name`);
        }
      } else {
        const args = ['create', 'cluster', '--name', this.cluster];
        if (this.config.pod.kindConfig) args.push('--config', this.config.pod.kindConfig);
        if (this.opts.nodeImage) args.push('--image', this.opts.nodeImage);
        args.push('--wait', '120s');
        // Recorded before it exists: a create that is cancelled half-way still gets deleted.
        this.created = true;
        recordCreated('kind-cluster', this.cluster);
        await this.kind(args, 300_000, `kind create cluster ${this.cluster}`);
      }
      await this.kind(['load', 'docker-image', this.config.sut.image, '--name', this.cluster], 300_000, `kind load docker-image ${this.config.sut.image}`);
    })();
    return this.ready;
  }

  async runRound(index: number): Promise<RoundOutcome | null> {
    await this.prepare();
    return this.kube.runRound(index);
  }

  placement(): PlacementReport {
    return this.kube.placement();
  }

  async teardown(): Promise<void> {
    try {
      if (this.kindBin) await this.kube.teardown();
    } finally {
      if (this.created && this.kindBin) {
        const r = await run([this.kindBin, 'delete', 'cluster', '--name', this.cluster], { timeoutMs: 300_000 }).catch(() => null);
        if (r && r.code === 0) {
          this.created = false;
          recordRemoved('kind-cluster', this.cluster);
        }
      }
    }
  }
}
