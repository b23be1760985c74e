// The kubernetes runtime: any kube context (EKS, GKE, AKS, kind, on-prem). Per run a namespace of
// its own (unless `namespace` is given); per round the same Pod manifest as podman, applied with
// `kubectl apply -f -`, watched until the loadgen terminates, its logs read (the samples CSV), the
// candidate proven hooked by `kubectl exec ... cat /proc/1/maps`, and the pod deleted. Every kubectl
// call is an argv array with a timeout; transient API errors are retried with backoff.
import { setTimeout as sleep } from 'node:timers/promises';
import { recordCreated, recordRemoved } from '../action/state-helper';
import {
  cpuThrottlingCheck,
  nodeTenancyCheck,
  parseCpuStat,
  samePodCheck,
  serviceMeshCheck,
  type KubeContainerStatus,
  type KubeList,
  type KubeNamespace,
  type KubePod,
} from '../checks';
import type { Config } from '../config';
import { RoundFailedError, RunError, UsageError } from '../errors';
import type { RoundOutcome, Runtime } from '../experiment/runtime';
import { firstStarted } from '../experiment/schedule';
import type { Check, PlacementReport } from '../types';
import { buildPodManifest, CONTAINERS, dnsLabel, OUT_FILE, podLabels, podName, POD_LABELS, toYaml, type PodPlan } from './manifest';
import { cleanStderr, run, tail, type ExecResult } from './pod-exec';
import { loaderMessage } from '../native';
import { hookedContainers, hookNotLoaded, isMapped } from './pod-maps';
import { partialRound, roundFromOutput } from './pod-output';
import { expectedRows, loadPodAssets, newRunId, podPlan, type PodAssets } from './pod-plan';
import type { PlacementPlan } from './placement';
import { placePod, podPlacement } from './pod-placement';

export interface KubernetesOptions {
  kubectl?: string;
  runId?: string;
  /** Runtime name reported in the verdict ('kind' when kind delegates here). */
  name?: string;
  pollMs?: number;
  /**
   * Rounds with more rows than this write their CSV to a file in an emptyDir, read back with
   * `kubectl exec sut-baseline -- cat` instead of `kubectl logs` (kubelet rotates logs at 10 MiB).
   * Default 20 000 rows (about 1 MB).
   */
  fileOutputRows?: number;
  /** Attempts and first backoff for transient API errors (doubling). */
  retries?: number;
  backoffMs?: number;
}

const TRANSIENT = [
  /connection refused/i,
  /etcdserver: (request timed out|leader changed|too many requests)/i,
  /TLS handshake timeout/i,
  /i\/o timeout/i,
  /connection reset by peer/i,
  /the server is currently unable to handle the request/i,
  /ServiceUnavailable|TooManyRequests|Too Many Requests/i,
  /http2: client connection lost/i,
  /unexpected EOF/i,
];

const PULL_ERRORS = ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull'];
const START_ERRORS = ['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError', 'CrashLoopBackOff'];

function isTransient(stderr: string): boolean {
  return TRANSIENT.some((re) => re.test(stderr));
}

export class KubernetesRuntime implements Runtime {
  readonly name: string;
  readonly runId: string;
  private readonly kubectlBin: string;
  private readonly pollMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly fileOutputRows: number;
  private readonly namespace: string;
  private readonly ownNamespace: boolean;
  private namespaceCreated = false;
  private assets?: PodAssets;
  private readonly livePods = new Set<string>();
  private envChecksDone = false;
  private readonly placementPlan: PlacementPlan;
  private readonly report: PlacementReport;

  constructor(
    private readonly config: Config,
    opts: KubernetesOptions = {},
  ) {
    this.name = opts.name ?? 'kubernetes';
    this.kubectlBin = opts.kubectl ?? 'kubectl';
    this.runId = opts.runId ?? newRunId();
    this.pollMs = opts.pollMs ?? 1000;
    this.retries = opts.retries ?? 4;
    this.backoffMs = opts.backoffMs ?? 500;
    this.fileOutputRows = opts.fileOutputRows ?? 20_000;
    this.ownNamespace = !config.pod.namespace;
    this.namespace = config.pod.namespace ?? dnsLabel(`hook-latency-${this.runId}`);
    // The node's CPUs and the containers' cpusets are not visible from here: pinned, but not observed.
    ({ plan: this.placementPlan, report: this.report } = podPlacement(config.placement, config.sut.command));
  }

  placement(): PlacementReport {
    return this.report;
  }

  private get context(): string | undefined {
    return this.config.pod.kubeContext;
  }

  private base(): string[] {
    const a = [this.kubectlBin];
    if (this.config.pod.kubeconfig) a.push('--kubeconfig', this.config.pod.kubeconfig);
    if (this.context) a.push('--context', this.context);
    return a;
  }

  /** One kubectl call with retries on transient API errors; returns the last result (never throws on exit codes). */
  private async kubectlRaw(args: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<ExecResult> {
    const argv = [...this.base(), ...args];
    let last: ExecResult = { code: 1, stdout: '', stderr: '' };
    for (let attempt = 0; attempt < this.retries; attempt++) {
      try {
        const r = await run(argv, { timeoutMs: opts.timeoutMs ?? 60_000, input: opts.input });
        last = r.timedOut ? { ...r, code: r.code || 124, stderr: `${r.stderr}\n(timed out after ${opts.timeoutMs ?? 60_000} ms)` } : r;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') throw new RunError(`kubectl not found on PATH (${this.kubectlBin}): install kubectl or put it on PATH`);
        throw e;
      }
      if (last.code === 0 || !isTransient(last.stderr)) return last;
      if (attempt + 1 < this.retries) await sleep(this.backoffMs * 2 ** attempt);
    }
    return last;
  }

  private async kubectl(args: string[], opts: { timeoutMs?: number; input?: string; what?: string } = {}): Promise<string> {
    const r = await this.kubectlRaw(args, opts);
    if (r.code !== 0) {
      throw new RunError(`${opts.what ?? `kubectl ${args.slice(0, 2).join(' ')}`} failed: ${cleanStderr(r.stderr) || `exit ${r.code}`}`);
    }
    return r.stdout;
  }

  private async prepare(): Promise<PodAssets> {
    if (this.assets) return this.assets;
    if (!this.config.sut.image) {
      throw new UsageError(`runtime ${this.name} needs sut.image (the SUT's container image)`);
    }
    const assets = loadPodAssets(this.config);
    if (this.ownNamespace && !this.namespaceCreated) {
      const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.namespace, labels: podLabels(this.runId) } };
      recordCreated('namespace', this.namespace, this.context);
      this.namespaceCreated = true;
      await this.kubectl(['apply', '-f', '-'], { input: toYaml([ns]), what: `creating namespace ${this.namespace}` });
    }
    this.assets = assets;
    return assets;
  }

  async runRound(index: number): Promise<RoundOutcome | null> {
    const assets = await this.prepare();
    const plan = podPlan(this.config, this.runId, index, assets, {
      sutImage: this.config.sut.image as string,
      sutCommand: this.config.sut.command,
      loadgenImage: this.config.pod.loadgenImage,
      pullPolicy: 'IfNotPresent',
    }, this.namespace);
    plan.loadgen.outputFile = expectedRows(this.config) > this.fileOutputRows;
    const pod = podName(plan.runId, index);
    const ns = this.namespace;
    try {
      this.livePods.add(pod);
      recordCreated('pod', `${ns}/${pod}`, this.context);
      const first = firstStarted(this.config.seed, index);
      const placed = placePod(buildPodManifest(plan), plan.runId, { plan: this.placementPlan, pin: assets.pin, first });
      await this.kubectl(['apply', '-n', ns, '-f', '-'], { input: toYaml(placed), what: `applying pod ${ns}/${pod}` });
      this.report.rounds.push({ round: index, first, samples: 0, differing: 0, cpus: { baseline: [], candidate: [], loadgen: [] } });
      const final = await this.waitForLoadgen(pod, index);
      const logs = await this.kubectl(['logs', pod, '-n', ns, '-c', CONTAINERS.loadgen], { timeoutMs: 120_000, what: `reading the loadgen output of ${ns}/${pod}` });
      const lg = status(final, CONTAINERS.loadgen)?.state?.terminated;
      if (lg && lg.exitCode !== 0) {
        throw new RunError(`round ${index}: the loadgen in ${ns}/${pod} failed (exit ${lg.exitCode}${lg.reason ? `, ${lg.reason}` : ''}): ${tail(logs, 5)}`);
      }
      await this.proveHooked(pod, plan);
      const csv = plan.loadgen.outputFile
        ? await this.kubectl(['exec', pod, '-n', ns, '-c', CONTAINERS.baseline, '--', 'cat', OUT_FILE], { timeoutMs: 600_000, what: `reading ${OUT_FILE} of ${ns}/${pod}` })
        : logs;
      const data = roundFromOutput(csv, index, expectedRows(this.config), `pod ${ns}/${pod}`);
      const checks = await this.checks(pod, final, index);
      return { data, checks };
    } finally {
      await this.deletePod(pod);
    }
  }

  private async getPod(pod: string): Promise<KubePod> {
    const out = await this.kubectl(['get', 'pod', pod, '-n', this.namespace, '-o', 'json'], { timeoutMs: 30_000, what: `reading pod ${this.namespace}/${pod}` });
    try {
      return JSON.parse(out) as KubePod;
    } catch {
      throw new RunError(`kubectl get pod ${pod}: not JSON: ${out.slice(0, 200)}`);
    }
  }

  private async events(pod: string): Promise<string> {
    const r = await this.kubectlRaw(['get', 'events', '-n', this.namespace, '--field-selector', `involvedObject.name=${pod}`], { timeoutMs: 30_000 });
    const text = r.code === 0 ? r.stdout.trim() : `(events not available: ${cleanStderr(r.stderr)})`;
    return text || '(no events)';
  }

  /** Throws `message` with the pod's events; with `partialOf` (the round), a RoundFailedError keeping what the loadgen wrote. */
  private async fail(pod: string, message: string, partialOf?: number): Promise<never> {
    const events = await this.events(pod);
    const full = `${message}\npod ${this.namespace}/${pod} events:\n${events}`;
    if (partialOf === undefined) throw new RunError(full);
    const r = await this.kubectlRaw(['logs', pod, '-n', this.namespace, '-c', CONTAINERS.loadgen], { timeoutMs: 60_000 });
    throw new RoundFailedError(full, r.code === 0 ? partialRound(r.stdout, partialOf) : null);
  }

  private async waitForLoadgen(pod: string, index: number): Promise<KubePod> {
    const timeout = this.config.pod.podTimeoutMs;
    const deadline = Date.now() + timeout;
    for (;;) {
      const p = await this.getPod(pod);
      const all = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])];
      for (const c of all) {
        const w = c.state?.waiting;
        if (w?.reason && PULL_ERRORS.includes(w.reason)) {
          const image = p.spec?.containers?.find((x) => x.name === c.name)?.image ?? '?';
          await this.fail(pod, `round ${index}: image ${image} of container ${c.name} cannot be pulled (${w.reason}${w.message ? `: ${w.message}` : ''})`);
        }
        if (w?.reason && START_ERRORS.includes(w.reason)) {
          await this.fail(pod, `round ${index}: container ${c.name} cannot start (${w.reason}${w.message ? `: ${w.message}` : ''})`);
        }
      }
      const lg = status(p, CONTAINERS.loadgen)?.state?.terminated;
      if (lg?.reason === 'OOMKilled') await this.fail(pod, `round ${index}: the loadgen was OOMKilled`);
      for (const sut of [CONTAINERS.baseline, CONTAINERS.candidate]) {
        const t = status(p, sut)?.state?.terminated;
        if (!t) continue;
        if (t.reason === 'OOMKilled') {
          await this.fail(pod, `round ${index}: ${sut} was OOMKilled (memory limit ${this.config.pod.memory ?? 'none'}): raise memory`, index);
        }
        if (!lg) {
          const log = await this.kubectlRaw(['logs', pod, '-n', this.namespace, '-c', sut], { timeoutMs: 60_000 });
          const ld = loaderMessage(log.stdout);
          await this.fail(
            pod,
            `round ${index}: ${sut} terminated before the loadgen finished (exit ${t.exitCode ?? '?'}${t.reason ? `, ${t.reason}` : ''})${ld ? ` (${ld})` : ''}; its log:\n${tail(log.stdout)}`,
            index,
          );
        }
      }
      if (lg) return p;
      if (p.status?.phase === 'Failed') await this.fail(pod, `round ${index}: pod failed (${p.status.reason ?? ''} ${p.status.message ?? ''})`.trim());
      if (Date.now() >= deadline) {
        const phase = p.status?.phase ?? 'unknown';
        const cond = p.status?.conditions?.find((c) => c.status !== 'True' && c.message);
        await this.fail(
          pod,
          phase === 'Pending'
            ? `round ${index}: pod still Pending after ${Math.round(timeout / 1000)} s (pod-timeout)${cond ? `: ${cond.reason ?? ''} ${cond.message}` : ''}`
            : `round ${index}: the loadgen did not finish within ${Math.round(timeout / 1000)} s (pod-timeout; phase ${phase})`,
        );
      }
      await sleep(this.pollMs);
    }
  }

  private async proveHooked(pod: string, plan: PodPlan): Promise<void> {
    for (const h of hookedContainers(plan)) {
      const where = `${h.container} of ${this.namespace}/${pod}`;
      const r = await this.kubectlRaw(['exec', pod, '-n', this.namespace, '-c', h.container, '--', 'cat', '/proc/1/maps'], { timeoutMs: 60_000 });
      if (r.code !== 0) {
        throw new RunError(`cannot verify that ${h.fileName} is loaded in ${where} (kubectl exec cat /proc/1/maps: ${cleanStderr(r.stderr)}); the SUT image needs cat`);
      }
      if (!isMapped(r.stdout, h.dir, h.fileName)) {
        const log = await this.kubectlRaw(['logs', pod, '-n', this.namespace, '-c', h.container], { timeoutMs: 60_000 });
        throw hookNotLoaded(h, where, log.stdout);
      }
    }
  }

  private async checks(pod: string, p: KubePod, round: number): Promise<Check[]> {
    const checks: Check[] = [samePodCheck({ name: `${this.namespace}/${pod}`, containers: (p.spec?.containers ?? []).map((c) => c.name) })];
    const throttle = [];
    for (const c of [CONTAINERS.baseline, CONTAINERS.candidate]) {
      // A fresh container's cgroup starts at zero: its nr_throttled at the end is the round's delta.
      const r = await this.kubectlRaw(['exec', pod, '-n', this.namespace, '-c', c, '--', 'cat', '/sys/fs/cgroup/cpu.stat'], { timeoutMs: 30_000 });
      throttle.push({ container: c, before: 0, after: r.code === 0 ? parseCpuStat(r.stdout).nr_throttled : undefined });
    }
    checks.push(cpuThrottlingCheck(throttle, round));
    if (!this.envChecksDone) {
      this.envChecksDone = true;
      const nsr = await this.kubectlRaw(['get', 'namespace', this.namespace, '-o', 'json'], { timeoutMs: 30_000 });
      const nsObj = nsr.code === 0 ? (safeJson(nsr.stdout) as KubeNamespace | undefined) : undefined;
      checks.push(serviceMeshCheck(p, nsObj));
      const node = p.spec?.nodeName;
      if (node) {
        const r = await this.kubectlRaw(['get', 'pods', '-A', '--field-selector', `spec.nodeName=${node}`, '-o', 'json'], { timeoutMs: 60_000 });
        const list = r.code === 0 ? (safeJson(r.stdout) as KubeList<KubePod> | undefined) : undefined;
        checks.push(nodeTenancyCheck(node, list, [pod], cleanStderr(r.stderr).split('\n')[0]));
      }
    }
    return checks;
  }

  private async deletePod(pod: string): Promise<void> {
    const r = await this.kubectlRaw(['delete', 'pod', pod, '-n', this.namespace, '--ignore-not-found', '--timeout=90s'], { timeoutMs: 120_000 });
    if (r.code === 0) {
      this.livePods.delete(pod);
      recordRemoved('pod', `${this.namespace}/${pod}`, this.context);
    }
  }

  async teardown(): Promise<void> {
    for (const pod of [...this.livePods]) await this.deletePod(pod);
    if (this.ownNamespace) {
      if (!this.namespaceCreated) return;
      const r = await this.kubectlRaw(['delete', 'namespace', this.namespace, '--ignore-not-found', '--wait=false'], { timeoutMs: 120_000 });
      if (r.code === 0) {
        this.namespaceCreated = false;
        recordRemoved('namespace', this.namespace, this.context);
      }
    } else if (this.assets) {
      await this.kubectlRaw(['delete', 'configmap', '-n', this.namespace, '-l', `${POD_LABELS.run}=${dnsLabel(this.runId)}`, '--ignore-not-found'], { timeoutMs: 120_000 });
      this.assets = undefined;
    }
  }
}

function status(p: KubePod, name: string): KubeContainerStatus | undefined {
  return p.status?.containerStatuses?.find((c) => c.name === name);
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
