// The kind runtime: prepares a kind cluster (reuse or create; `kind-version` when set, else the
// kind on PATH, else a pinned release, downloaded with @actions/tool-cache inside GitHub Actions), waits for its node to be Ready, loads
// the SUT image into it (the load generator comes by ConfigMap and runs in that image) (docker, or podman under KIND_EXPERIMENTAL_PROVIDER=podman),
// then runs every round as the kubernetes runtime does against the `kind-<name>` context, with
// imagePullPolicy Never: no round ever pulls. At the end
// it deletes the cluster only if it created it (and tells its ledger, whose owner removes it if we died).
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { DEFAULT_KIND_VERSION, type Config } from '../config';
import { RunError, UsageError } from '../errors';
import { podPlacement } from './pod/placement';
import { NO_LEDGER, type CallCounts, type ResourceLedger, type RoundOutcome, type Runtime } from './contract';
import type { Check, PlacementReport, RoundData } from '../types';
import { KubernetesRuntime, type KubernetesOptions } from './kubernetes/kubernetes';
import { cleanStderr, run, tail } from './pod/exec';

export interface KindOptions extends KubernetesOptions {
  kind?: string;
  /** kind node image (`kind create cluster --image`). */
  nodeImage?: string;
  /** Download a pinned kind when it is not on PATH (default: only inside GitHub Actions). */
  download?: boolean;
  /** Where releases are downloaded from (default KIND_DOWNLOADS; tests serve their own). */
  downloads?: string;
}

function onPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Where kind's release binaries are published (kind's quick start: `curl -Lo ./kind https://kind.sigs.k8s.io/dl/v0.29.0/kind-linux-amd64`). */
export const KIND_DOWNLOADS = 'https://kind.sigs.k8s.io/dl';

/**
 * Downloads kind VERSION for this platform into the tool cache; returns the binary's path. Every
 * release publishes `<binary>.sha256sum` beside each binary (`<hex>  kind-linux-amd64`, as
 * `sha256sum` prints it; kind v0.20.0 and later): the binary is checked against it before it is
 * cached or run. A cached one was checked when it was cached.
 */
async function downloadKind(version: string, base: string): Promise<string> {
  const tc = await import('@actions/tool-cache');
  const cached = tc.find('kind', version);
  if (cached) return join(cached, 'kind');
  const os = process.platform === 'darwin' ? 'darwin' : 'linux';
  const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
  const url = `${base}/${version}/kind-${os}-${arch}`;
  const published = publishedSha256(readFileSync(await tc.downloadTool(`${url}.sha256sum`), 'utf8'), `${url}.sha256sum`);
  const file = await tc.downloadTool(url);
  const actual = createHash('sha256').update(readFileSync(file)).digest('hex');
  if (actual !== published) {
    rmSync(file, { force: true });
    throw new RunError(`the sha256 of ${url} is ${actual}, not the published ${published}: not used`);
  }
  chmodSync(file, 0o755);
  const dir = await tc.cacheFile(file, 'kind', 'kind', version);
  return join(dir, 'kind');
}

/** The hash in a `sha256sum` line. */
function publishedSha256(text: string, url: string): string {
  const hex = /^([0-9a-f]{64})\b/i.exec(text.trim())?.[1];
  if (!hex) throw new RunError(`${url} holds no sha256`);
  return hex.toLowerCase();
}

/** The container engine kind runs its nodes on: docker, or podman with KIND_EXPERIMENTAL_PROVIDER=podman. */
export function kindProvider(env: NodeJS.ProcessEnv = process.env): 'docker' | 'podman' {
  const p = env.KIND_EXPERIMENTAL_PROVIDER;
  if (!p || p === 'docker') return 'docker';
  if (p === 'podman') return 'podman';
  throw new UsageError(`KIND_EXPERIMENTAL_PROVIDER=${p} is not supported: use docker or podman`);
}

export class KindRuntime implements Runtime {
  readonly name = 'kind';
  private kindBin?: string;
  private kindUsed?: { bin: string; version?: string; from: string };
  private kindReported = false;
  private created = false;
  private ready?: Promise<void>;
  private kube?: KubernetesRuntime;
  private readonly cluster: string;
  private readonly ledger: ResourceLedger;
  private readonly provider: 'docker' | 'podman';
  private readonly dir = mkdtempSync(join(tmpdir(), 'hook-latency-kind-'));

  constructor(
    private readonly config: Config,
    private readonly opts: KindOptions = {},
  ) {
    this.cluster = config.pod.clusterName;
    this.ledger = opts.ledger ?? NO_LEDGER;
    this.provider = kindProvider();
  }

  private async tool(argv: string[], timeoutMs: number, what: string): Promise<string> {
    const r = await run(argv, { timeoutMs }).catch((e: NodeJS.ErrnoException) => {
      throw new RunError(`${what}: cannot run ${argv[0]}: ${e.code ?? e.message}`);
    });
    if (r.code !== 0 || r.timedOut) {
      throw new RunError(`${what} failed${r.timedOut ? ` (timed out after ${timeoutMs / 1000} s)` : ''}: ${tail(cleanStderr(r.stderr) || r.stdout, 8)}`);
    }
    return r.stdout;
  }

  private kind(args: string[], timeoutMs: number, what: string): Promise<string> {
    return this.tool([this.kindBin as string, ...args], timeoutMs, what);
  }

  /** `kind version` -> "v0.29.0" (it prints "kind v0.29.0 go1.24.2 linux/amd64"), or undefined. */
  private async versionOf(bin: string): Promise<string | undefined> {
    const r = await run([bin, 'version'], { timeoutMs: 30_000 }).catch(() => null);
    return r?.code === 0 ? /\bv\d+\.\d+\.\d+\S*/.exec(r.stdout)?.[0] : undefined;
  }

  private async download(version: string): Promise<string> {
    const allowed = this.opts.download ?? Boolean(process.env.GITHUB_ACTIONS);
    if (!allowed) throw new RunError(`kind ${version} is needed: install it (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)`);
    try {
      return await downloadKind(version, this.opts.downloads ?? KIND_DOWNLOADS);
    } catch (e) {
      throw new RunError(`downloading kind ${version} failed: ${(e as Error).message.split('\n')[0]}`);
    }
  }

  /** An explicit kind-version wins over the kind on PATH; without one, PATH's kind, else the default release. */
  private async findKind(): Promise<{ bin: string; version?: string; from: string }> {
    if (this.opts.kind) return { bin: this.opts.kind, version: await this.versionOf(this.opts.kind), from: 'given' };
    const wanted = this.config.pod.kindVersion;
    const found = onPath('kind');
    const foundVersion = found ? await this.versionOf(found) : undefined;
    if (found && (!wanted || foundVersion === wanted)) return { bin: found, version: foundVersion, from: 'on PATH' };
    if (wanted && found) {
      const bin = await this.download(wanted).catch((e: unknown) => {
        throw new RunError(`kind-version ${wanted} is set but the kind on PATH (${found}) is ${foundVersion ?? 'of unknown version'}: ${(e as Error).message}`);
      });
      return { bin, version: wanted, from: 'downloaded' };
    }
    const version = wanted ?? DEFAULT_KIND_VERSION;
    return { bin: await this.download(version), version, from: 'downloaded' };
  }

  /** Which kind ran, for the results. */
  private kindCheck(): Check {
    const k = this.kindUsed;
    return { id: 'kind', status: 'pass', detail: `kind ${k?.version ?? '(version unknown)'} (${k?.bin}, ${k?.from})` };
  }

  private kubeContext(): string {
    return this.config.pod.kubeContext ?? `kind-${this.cluster}`;
  }

  private kubectlBase(): string[] {
    const a = [this.opts.kubectl ?? 'kubectl'];
    if (this.config.pod.kubeconfig) a.push('--kubeconfig', this.config.pod.kubeconfig);
    return [...a, '--context', this.kubeContext()];
  }

  /**
   * `kind create cluster --wait` exits 0 even when its wait timed out (a warning only): the node
   * must be Ready before a pod is applied.
   */
  private async waitNodeReady(): Promise<void> {
    await this.tool([...this.kubectlBase(), 'wait', '--for=condition=Ready', 'node', '--all', '--timeout=180s'], 200_000, `waiting for the kind node of ${this.cluster} to be Ready`);
  }

  /** Makes `image` present in the local engine (pulled once, outside any round); returns the name the engine knows it by. */
  private async localImage(image: string): Promise<string> {
    const engine = this.provider;
    const present = await run([engine, 'image', 'inspect', '--format', '{{json .RepoTags}}', image], { timeoutMs: 60_000 }).catch(() => null);
    if (!present || present.code !== 0) {
      await this.tool([engine, 'pull', image], 600_000, `${engine} pull ${image}`);
    }
    if (engine === 'docker') return image;
    // podman names a short reference localhost/NAME:TAG (a local build) or docker.io/...: the pod
    // must use the name the archive carries, or the node's containerd will not find it.
    const tags = await this.tool([engine, 'image', 'inspect', '--format', '{{json .RepoTags}}', image], 60_000, `podman image inspect ${image}`);
    const names = (JSON.parse(tags.trim().split('\n')[0] || '[]') as string[] | null) ?? [];
    return names.find((n) => n === image || n.endsWith(`/${image}`) || n.endsWith(`/${image}:latest`)) ?? names[0] ?? image;
  }

  /** Loads the images into the cluster: `kind load docker-image`, or under podman `podman save` + `kind load image-archive`. */
  private async loadImages(images: string[]): Promise<void> {
    if (this.provider === 'docker') {
      await this.kind(['load', 'docker-image', ...images, '--name', this.cluster], 600_000, `kind load docker-image ${images.join(' ')}`);
      return;
    }
    for (const [i, image] of images.entries()) {
      const archive = join(this.dir, `image-${i}.tar`);
      await this.tool(['podman', 'save', '-o', archive, image], 600_000, `podman save ${image}`);
      try {
        await this.kind(['load', 'image-archive', archive, '--name', this.cluster], 600_000, `kind load image-archive (${image})`);
      } finally {
        rmSync(archive, { force: true });
      }
    }
  }

  private prepare(): Promise<void> {
    this.ready ??= (async () => {
      if (!this.config.sut.image) throw new UsageError('runtime kind needs sut.image (the SUT container image, loaded into the cluster)');
      this.kindUsed = await this.findKind();
      this.kindBin = this.kindUsed.bin;
      this.ledger.toolUsed('kind', this.kindBin);
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
        this.ledger.created({ kind: 'kind-cluster', name: this.cluster });
        await this.kind(args, 300_000, `kind create cluster ${this.cluster}`).catch((err: Error) => {
          // kind v0.29: "ERROR: failed to create cluster: node(s) already exist for a cluster with
          // the name ..." is another run's cluster, made since `get clusters`: never ours to delete.
          if (/node\(s\) already exist for a cluster with the name/.test(err.message)) {
            this.created = false;
            this.ledger.removed({ kind: 'kind-cluster', name: this.cluster });
          }
          throw err;
        });
      }
      await this.waitNodeReady();
      // The image goes into the node before round 0, so no round waits for (or fails on) a registry.
      const sutImage = await this.localImage(this.config.sut.image);
      await this.loadImages([sutImage]);
      this.kube = new KubernetesRuntime(
        { ...this.config, sut: { ...this.config.sut, image: sutImage }, pod: { ...this.config.pod, kubeContext: this.kubeContext() } },
        { ...this.opts, name: 'kind', pullPolicy: 'Never' },
      );
    })();
    return this.ready;
  }

  async runRound(index: number): Promise<RoundOutcome | null> {
    await this.prepare();
    const outcome = await (this.kube as KubernetesRuntime).runRound(index);
    if (outcome && !this.kindReported) {
      this.kindReported = true;
      outcome.checks = [...(outcome.checks ?? []), this.kindCheck()];
    }
    return outcome;
  }

  async countCalls(): Promise<CallCounts> {
    await this.prepare();
    return (this.kube as KubernetesRuntime).countCalls();
  }

  /** On process exit: as kubernetes; a cluster this run created stays (the next run reuses it). */
  salvage(): RoundData | null {
    return this.kube?.salvage() ?? null;
  }

  placement(): PlacementReport {
    return this.kube?.placement() ?? podPlacement(this.config.placement, this.config.sut.command).report;
  }

  async teardown(): Promise<void> {
    try {
      await this.kube?.teardown();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
      if (this.created && this.kindBin) {
        const r = await run([this.kindBin, 'delete', 'cluster', '--name', this.cluster], { timeoutMs: 300_000 }).catch(() => null);
        if (r && r.code === 0) {
          this.created = false;
          this.ledger.removed({ kind: 'kind-cluster', name: this.cluster });
        }
      }
    }
  }
}
