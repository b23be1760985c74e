// The kubernetes runtime: any kube context (EKS, GKE, AKS, kind, on-prem). Per run a namespace of
// its own (unless `namespace` is given); the ConfigMaps (hooks, loadgen) once, then per round the
// same Pod as podman, both by server-side `kubectl apply -f -`, watched until the loadgen terminates, its logs read (the samples CSV), the
// candidate proven hooked in the process listening on its port (`kubectl exec ... sh -c`, see
// pod/listener.ts), and the pod deleted. Every kubectl call is an argv array with a timeout;
// transient API errors are retried with backoff.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  cpuThrottlingCheck,
  nodeTenancyCheck,
  parseCpuStat,
  samePodCheck,
  serviceMeshCheck,
  type KubeContainerStatus,
  type KubeList,
  type KubeNamespace,
  type KubeNode,
  type KubePod,
} from '../../checks';
import type { Config } from '../../config';
import { RoundFailedError, RunError, UsageError } from '../../errors';
import { COUNT_REQUESTS, ensureCountPreload, preloadFunctions } from '../../cost/count-preload';
import { NO_LEDGER, type CallCounts, type ResourceLedger, type RoundOutcome, type Runtime } from '../contract';
import { firstStarted } from '../../experiment/schedule';
import type { Check, PlacementReport, RoundData } from '../../types';
import { buildPodManifest, CONTAINERS, dnsLabel, OUT_FILE, podLabels, podName, POD_LABELS, toYaml, type PodPlan } from '../pod/manifest';
import { cleanStderr, run, tail, type ExecResult } from '../pod/exec';
import { loaderMessage } from '../../native';
import { listenerOf, noListener, parseSnapshot, SNAPSHOT_SCRIPT } from '../pod/listener';
import { hookedContainers, hookNotLoaded, isMapped } from '../pod/maps';
import { partialRound, roundFromOutput } from '../pod/output';
import { ensureLoadgen, loadgenBinary } from '../../loadgen/native';
import { nativeToolFor, pinBinaryFor, type PinArch } from '../pod/pin-arch';
import { expectedRows, loadPodAssets, newRunId, podPlan, type PodAssets } from '../pod/plan';
import { autoCpuMillis, checkCpuFits, describeNode, nodeCpu as nodeCpuOf, podCpuMillis, podResources, type NodeCpu } from '../pod/resources';
import type { PlacementPlan } from '../placement';
import { placePod, podPlacement } from '../pod/placement';
import { COUNT_COMMAND, countingPodManifest, countPodName, countsFromOutput } from '../pod/count';
import { salvageRead, salvageStart } from '../pod/salvage-exec';
import { hookNodeSelector } from './node-selector';

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
  /**
   * Never: the images are in the node already (kind loaded them). Else IfNotPresent, and a pod
   * pulls both images before round 0, so no round times a pull.
   */
  pullPolicy?: 'IfNotPresent' | 'Never';
  /** Attempts and first backoff for transient API errors (doubling). */
  retries?: number;
  backoffMs?: number;
  /** The nodes' architecture, for the pin wrapper and load generator sent to the pods (default: this machine's; src/runtime/pod/pin-arch.ts). */
  pinArch?: PinArch | null;
  /** Told of every namespace and pod created and removed (default: nobody). */
  ledger?: ResourceLedger;
}

const TRANSIENT = [
  /connection refused/i,
  /etcdserver: (request timed out|leader changed|too many requests)/i,
  /TLS handshake timeout/i,
  /i\/o timeout/i,
  /connection reset by peer/i,
  /the server is currently unable to handle the request/i,
  /ServiceUnavailable|TooManyRequests|Too Many Requests/i,
  // A fresh namespace's `default` ServiceAccount is created by a controller moments later.
  /error looking up service account/i,
  /http2: client connection lost/i,
  /unexpected EOF/i,
];

/**
 * Server-side apply: kubectl's client-side apply copies each object into the
 * last-applied-configuration annotation, and annotations are capped at 262144 bytes in all, so a
 * hook over about 192 KiB would be refused ("metadata.annotations: Too long").
 */
const APPLY = ['apply', '--server-side', '--field-manager=hook-latency'];

const PULL_ERRORS = ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull'];
const START_ERRORS = ['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError', 'CrashLoopBackOff'];

function isTransient(stderr: string): boolean {
  return TRANSIENT.some((re) => re.test(stderr));
}

/**
 * RBAC's refusal as kubectl prints it (kubectl 1.32): `Error from server (Forbidden): pods "x" is
 * forbidden: User "u" cannot create resource "pods/exec" in API group "" in the namespace "perf"`
 * (or `at the cluster scope`). Retrying cannot help: one line naming what is missing, at once.
 */
const FORBIDDEN = /Error from server \(Forbidden\):.*?User "([^"]*)" cannot (\w+) resource "([^"]+)" in API group "([^"]*)" (in the namespace "[^"]+"|at the cluster scope)/;

export function forbiddenError(stderr: string): RunError | null {
  const m = FORBIDDEN.exec(stderr);
  // Not every 403 is RBAC's: "error looking up service account" (a fresh namespace) passes with time.
  if (!m) return null;
  const [, user, verb, resource, group, where] = m;
  return new RunError(
    `kubectl was refused (Forbidden): ${user} may not ${verb} ${resource}${group ? ` (API group ${group})` : ''} ${where}; the Role the gate needs is in docs/runtimes.md ("RBAC")`,
  );
}

export class KubernetesRuntime implements Runtime {
  readonly name: string;
  readonly runId: string;
  private readonly kubectlBin: string;
  private readonly pollMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly fileOutputRows: number;
  private readonly pullPolicy: 'IfNotPresent' | 'Never';
  private readonly namespace: string;
  private readonly ownNamespace: boolean;
  private namespaceCreated = false;
  private assets?: PodAssets;
  private readonly livePods = new Set<string>();
  /** The ConfigMaps applied (`namespace/name`), in the ledger until a delete of them succeeded. */
  private readonly configMaps = new Set<string>();
  private envChecksDone = false;
  private configMapsApplied = false;
  /** How long earlier rounds measured (all containers running until the loadgen ended). */
  private readonly measuredMs: number[] = [];
  /** The round whose pod is up (for salvage on Ctrl-C). */
  private inProgress?: { index: number; pod: string; outputFile: boolean };
  /** Millicores per container when cpu is `auto` (measured once, from the nodes). */
  private autoCpu?: number;

  private readonly ledger: ResourceLedger;
  private readonly placementPlan: PlacementPlan;
  private readonly report: PlacementReport;
  /** The pin wrapper and the load generator sent to the pods, built for the nodes' architecture. */
  private readonly pin: string;
  private readonly loadgen: string;
  /** kubernetes.io/arch and os of the hook: every pod goes to nodes the hook can load on. */
  private readonly nodeSelector: Record<string, string>;

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
    this.ledger = opts.ledger ?? NO_LEDGER;
    this.pullPolicy = opts.pullPolicy ?? 'IfNotPresent';
    this.pin = pinBinaryFor(opts.pinArch ?? null);
    this.loadgen = nativeToolFor('loadgen', opts.pinArch ?? null);
    this.nodeSelector = hookNodeSelector(config);
    this.ownNamespace = !config.pod.namespace;
    this.namespace = config.pod.namespace ?? dnsLabel(`hook-latency-${this.runId}`);
    // The node's CPUs and the containers' cpusets are not visible from here: pinned, but not observed.
    ({ plan: this.placementPlan, report: this.report } = podPlacement(config.placement, config.sut.command));
  }

  placement(): PlacementReport {
    return this.report;
  }

  /** The pods' nodeSelector field (none without a hook). */
  private selector(): { nodeSelector?: Record<string, string> } {
    return Object.keys(this.nodeSelector).length > 0 ? { nodeSelector: this.nodeSelector } : {};
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
  private async kubectlRaw(args: string[], opts: { timeoutMs?: number; input?: string; required?: boolean } = {}): Promise<ExecResult> {
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
      if (opts.required) {
        const forbidden = forbiddenError(last.stderr);
        if (forbidden) throw forbidden;
      }
      if (last.code === 0 || !isTransient(last.stderr)) return last;
      if (attempt + 1 < this.retries) await sleep(this.backoffMs * 2 ** attempt);
    }
    return last;
  }

  private async kubectl(args: string[], opts: { timeoutMs?: number; input?: string; what?: string } = {}): Promise<string> {
    const r = await this.kubectlRaw(args, { ...opts, required: true });
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
    if (this.loadgen === loadgenBinary()) await ensureLoadgen();
    const assets = loadPodAssets(this.config, this.pin, this.loadgen);
    await this.fitCpu();
    if (this.ownNamespace && !this.namespaceCreated) {
      const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.namespace, labels: podLabels(this.runId) } };
      this.ledger.created({ kind: 'namespace', name: this.namespace, context: this.context });
      this.namespaceCreated = true;
      await this.kubectl([...APPLY, '-f', '-'], { input: toYaml([ns]), what: `creating namespace ${this.namespace}` });
      await this.waitForServiceAccount();
    }
    if (this.pullPolicy !== 'Never') await this.prePull();
    this.assets = assets;
    return assets;
  }

  /** The API refuses pods in a namespace until its `default` ServiceAccount exists (made by a controller). */
  private async waitForServiceAccount(): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await this.kubectlRaw(['get', 'serviceaccount', 'default', '-n', this.namespace, '-o', 'name'], { timeoutMs: 30_000, required: true });
      if (r.code === 0) return;
      if (Date.now() > deadline) throw new RunError(`namespace ${this.namespace}: no default ServiceAccount after 60 s: ${cleanStderr(r.stderr)}`);
      await sleep(Math.max(this.pollMs, 200));
    }
  }

  /** One pod with the SUT image (the loadgen runs in it too), run to completion before round 0: the pull happens here. */
  private async prePull(): Promise<void> {
    const pod = dnsLabel(`hook-latency-${this.runId}-pull`);
    const ns = this.namespace;
    const container = (name: string, image: string, command: string[]) => ({ name, image, command, imagePullPolicy: 'IfNotPresent' });
    const manifest = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: pod, namespace: ns, labels: podLabels(this.runId) },
      spec: {
        restartPolicy: 'Never',
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: 0,
        ...this.selector(),
        containers: [container('sut', this.config.sut.image as string, ['sh', '-c', 'exit 0'])],
      },
    };
    try {
      this.livePods.add(pod);
      this.ledger.created({ kind: 'pod', name: `${ns}/${pod}`, context: this.context });
      await this.kubectl([...APPLY, '-n', ns, '-f', '-'], { input: toYaml([manifest]), what: `applying the image pre-pull pod ${ns}/${pod}` });
      const deadline = Date.now() + this.config.pod.podTimeoutMs;
      for (;;) {
        const p = await this.getPod(pod);
        if (p.status?.phase === 'Succeeded') return;
        await this.failOnPullError(pod, p, 'before round 0:');
        const failed = p.status?.containerStatuses?.find((c) => (c.state?.terminated?.exitCode ?? 0) !== 0);
        if (p.status?.phase === 'Failed' || failed) {
          const t = failed?.state?.terminated;
          await this.fail(pod, `the image pre-pull pod failed: container ${failed?.name ?? '?'} exited with ${t?.exitCode ?? '?'}${t?.message ? `: ${t.message.trim()}` : ''} (the SUT image needs sh for this check)`);
        }
        if (Date.now() > deadline) await this.fail(pod, `the images were not pulled within ${Math.round(this.config.pod.podTimeoutMs / 1000)} s (pod-timeout; phase ${p.status?.phase ?? 'unknown'})`);
        await sleep(this.pollMs);
      }
    } finally {
      await this.deletePod(pod);
    }
  }

  /** The nodes' CPU (allocatable, requested by their pods), or why it cannot be read (RBAC: nodes and pods list). */
  private async nodeCpu(): Promise<NodeCpu[] | string> {
    const nodes = await this.kubectlRaw(['get', 'nodes', '-o', 'json'], { timeoutMs: 60_000 });
    if (nodes.code !== 0) return cleanStderr(nodes.stderr);
    const pods = await this.kubectlRaw(['get', 'pods', '-A', '--field-selector', 'status.phase!=Succeeded,status.phase!=Failed', '-o', 'json'], { timeoutMs: 60_000 });
    if (pods.code !== 0) return cleanStderr(pods.stderr);
    const n = safeJson(nodes.stdout) as KubeList<KubeNode> | undefined;
    const p = safeJson(pods.stdout) as KubeList<KubePod> | undefined;
    return n && p ? nodeCpuOf(n, p) : 'kubectl printed no JSON';
  }

  /** `cpu: auto` -> millicores from the freest node; an explicit cpu that fits no node fails here, before round 0. */
  private async fitCpu(): Promise<void> {
    const { cpu, loadgenCpu } = this.config.pod;
    if (!cpu && !loadgenCpu) return;
    const auto = cpu === 'auto' || loadgenCpu === 'auto';
    const nodes = await this.nodeCpu();
    if (typeof nodes === 'string') {
      if (auto) throw new RunError(`cpu: auto needs to list nodes and pods (kubectl get nodes; get pods -A): ${nodes}`);
      return; // an explicit cpu without the right to list nodes: the scheduler will say
    }
    if (auto) this.autoCpu = autoCpuMillis(nodes);
    checkCpuFits(podResources(this.config.pod, this.autoCpu), nodes);
  }

  async runRound(index: number): Promise<RoundOutcome | null> {
    const assets = await this.prepare();
    const plan = podPlan(this.config, this.runId, index, assets, {
      sutImage: this.config.sut.image as string,
      sutCommand: this.config.sut.command,
      pullPolicy: this.pullPolicy,
    }, this.namespace, this.autoCpu);
    plan.loadgen.outputFile = expectedRows(this.config) > this.fileOutputRows;
    const pod = podName(plan.runId, index);
    const ns = this.namespace;
    try {
      this.inProgress = { index, pod, outputFile: Boolean(plan.loadgen.outputFile) };
      this.livePods.add(pod);
      this.ledger.created({ kind: 'pod', name: `${ns}/${pod}`, context: this.context });
      const first = firstStarted(this.config.seed, index);
      const manifest = placePod(buildPodManifest(plan), plan.runId, { plan: this.placementPlan, pin: assets.pin, first });
      Object.assign(manifest.pod.spec ?? {}, this.selector());
      if (!this.configMapsApplied) {
        this.recordConfigMaps(manifest.configMaps);
        await this.kubectl([...APPLY, '-n', ns, '-f', '-'], { input: toYaml(manifest.configMaps), what: `applying the ConfigMaps of run ${this.runId}`, timeoutMs: 300_000 });
        this.configMapsApplied = true;
      }
      await this.kubectl([...APPLY, '-n', ns, '-f', '-'], { input: toYaml([manifest.pod]), what: `applying pod ${ns}/${pod}` });
      this.report.rounds.push({ round: index, first, samples: 0, differing: 0, cpus: { baseline: [], candidate: [], loadgen: [] } });
      const final = await this.waitForLoadgen(pod, index, plan);
      const logs = await this.kubectl(['logs', pod, '-n', ns, '-c', CONTAINERS.loadgen], { timeoutMs: 120_000, what: `reading the loadgen output of ${ns}/${pod}` });
      const lg = status(final, CONTAINERS.loadgen)?.state?.terminated;
      if (lg && lg.exitCode !== 0) {
        throw new RunError(`round ${index}: the loadgen in ${ns}/${pod} failed (${terminatedText(lg)}): ${tail(logs, 5)}`);
      }
      await this.proveHooked(pod, plan).catch(async (err: unknown) => {
        await this.diedAfterAll(pod, index);
        throw err;
      });
      const csv = plan.loadgen.outputFile
        ? await this.kubectl(['exec', pod, '-n', ns, '-c', CONTAINERS.baseline, '--', 'cat', OUT_FILE], { timeoutMs: 600_000, what: `reading ${OUT_FILE} of ${ns}/${pod}` })
        : logs;
      const data = roundFromOutput(csv, index, expectedRows(this.config), `pod ${ns}/${pod}`);
      const checks = await this.checks(pod, final, index);
      return { data, checks };
    } finally {
      this.inProgress = undefined;
      await this.deletePod(pod);
    }
  }

  /**
   * One extra, unmeasured pod: the candidate with the counting preload in front of the hook, the
   * loadgen counting around `requests` sequential requests (pod/count.ts). `kubectl exec` into the
   * loadgen (node is there), no ptrace, no privileges: the pod shares one PID namespace.
   */
  async countCalls(requests = COUNT_REQUESTS): Promise<CallCounts> {
    const chosen = preloadFunctions(this.config);
    if ('unavailable' in chosen) return chosen;
    const assets = await this.prepare();
    const countSo = readFileSync(await ensureCountPreload());
    const plan = podPlan(this.config, this.runId, 0, assets, {
      sutImage: this.config.sut.image as string,
      sutCommand: this.config.sut.command,
      pullPolicy: this.pullPolicy,
    }, this.namespace, this.autoCpu);
    const manifest = countingPodManifest(plan, countSo, requests);
    Object.assign(manifest.pod.spec ?? {}, this.selector());
    const pod = countPodName(plan.runId);
    const ns = this.namespace;
    try {
      this.livePods.add(pod);
      this.ledger.created({ kind: 'pod', name: `${ns}/${pod}`, context: this.context });
      this.recordConfigMaps(manifest.configMaps);
      await this.kubectl([...APPLY, '-n', ns, '-f', '-'], { input: toYaml(manifest.configMaps), what: `applying the ConfigMaps of the counting pod`, timeoutMs: 300_000 });
      await this.kubectl([...APPLY, '-n', ns, '-f', '-'], { input: toYaml([manifest.pod]), what: `applying pod ${ns}/${pod}` });
      await this.waitForRunning(pod, [CONTAINERS.candidate, CONTAINERS.loadgen]);
      const r = await this.kubectlRaw(['exec', pod, '-n', ns, '-c', CONTAINERS.loadgen, '--', ...COUNT_COMMAND], { timeoutMs: this.config.pod.podTimeoutMs });
      if (r.code !== 0) {
        const log = await this.kubectlRaw(['logs', pod, '-n', ns, '-c', CONTAINERS.candidate], { timeoutMs: 60_000 });
        throw new RunError(
          `counting calls in ${ns}/${pod} failed (exit ${r.code}): ${tail(cleanStderr(r.stderr), 3)}${log.stdout.trim() ? `; the SUT's log:\n${tail(log.stdout, 5)}` : ''}`,
        );
      }
      const counted = countsFromOutput(r.stdout, chosen.functions, `pod ${ns}/${pod}`);
      return { ...counted, method: 'preload', ...(chosen.uncounted.length ? { uncounted: chosen.uncounted } : {}) };
    } finally {
      await this.deletePod(pod);
    }
  }

  /** Until every one of `containers` runs; a pull or start error, or pod-timeout, fails with the events. */
  private async waitForRunning(pod: string, containers: string[]): Promise<void> {
    const deadline = Date.now() + this.config.pod.podTimeoutMs;
    for (;;) {
      const p = await this.getPod(pod);
      if (containers.every((c) => status(p, c)?.state?.running)) return;
      await this.failOnPullError(pod, p, 'the counting pod:');
      await this.failOnInitError(pod, p, 'the counting pod:');
      for (const c of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
        const w = c.state?.waiting;
        if (w?.reason && START_ERRORS.includes(w.reason)) await this.fail(pod, `the counting pod: container ${c.name} cannot start (${w.reason}${w.message ? `: ${w.message}` : ''})`);
        const t = c.state?.terminated;
        if (t && containers.includes(c.name)) await this.fail(pod, `the counting pod: ${c.name} terminated (${terminatedText(t)})`);
      }
      if (Date.now() >= deadline) await this.fail(pod, `the counting pod: not running after ${Math.round(this.config.pod.podTimeoutMs / 1000)} s (pod-timeout; phase ${p.status?.phase ?? 'unknown'})`);
      await sleep(this.pollMs);
    }
  }

  /**
   * On cancel: the loadgen's rows so far (it writes them in batches; one call of at most 2 s), then
   * the pod and the run's namespace deletes are started, not waited for (pod/salvage-exec.ts). They stay
   * in the ledger: teardown or the Action's post step deletes again whatever is left.
   */
  salvage(): RoundData | null {
    const current = this.inProgress;
    this.inProgress = undefined;
    if (!current) return null;
    const ns = ['-n', this.namespace];
    const out = salvageRead([
      ...this.base(),
      ...(current.outputFile ? ['exec', current.pod, ...ns, '-c', CONTAINERS.baseline, '--', 'cat', OUT_FILE] : ['logs', current.pod, ...ns, '-c', CONTAINERS.loadgen]),
    ]);
    salvageStart([...this.base(), 'delete', 'pod', current.pod, ...ns, '--ignore-not-found', '--wait=false']);
    if (this.ownNamespace && this.namespaceCreated) salvageStart([...this.base(), 'delete', 'namespace', this.namespace, '--ignore-not-found', '--wait=false']);
    return partialRound(out, current.index);
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

  /** A SUT container that terminated: a RoundFailedError with its log and the loadgen's rows so far. */
  private async sutDied(pod: string, index: number, sut: string, t: Terminated, what: string): Promise<never> {
    const log = await this.kubectlRaw(['logs', pod, '-n', this.namespace, '-c', sut], { timeoutMs: 60_000 });
    const ld = loaderMessage(log.stdout);
    return this.fail(pod, `round ${index}: ${sut} ${what} (${terminatedText(t)})${ld ? ` (${ld})` : ''}; its log:\n${tail(log.stdout)}`, index);
  }

  /**
   * The proof found no hooked listener: if a SUT died as the loadgen finished (its status can lag
   * the loadgen's by a kubelet sync), name the death instead. Re-reads the pod for up to 3 s.
   */
  private async diedAfterAll(pod: string, index: number): Promise<void> {
    for (let i = 0; i < 4; i++) {
      if (i > 0) await sleep(1000);
      const p = await this.getPod(pod);
      for (const sut of [CONTAINERS.baseline, CONTAINERS.candidate]) {
        const t = status(p, sut)?.state?.terminated;
        if (t) await this.sutDied(pod, index, sut, t, 'stopped during the round');
      }
    }
  }

  /** Throws `message` with the pod's events; with `partialOf` (the round), a RoundFailedError keeping what the loadgen wrote. */
  private async fail(pod: string, message: string, partialOf?: number): Promise<never> {
    const events = await this.events(pod);
    const full = `${message}\npod ${this.namespace}/${pod} events:\n${events}`;
    if (partialOf === undefined) throw new RunError(full);
    const r = await this.kubectlRaw(['logs', pod, '-n', this.namespace, '-c', CONTAINERS.loadgen], { timeoutMs: 60_000 });
    throw new RoundFailedError(full, r.code === 0 ? partialRound(r.stdout, partialOf) : null);
  }

  /**
   * Whether an autoscaler answered the pod's Unschedulable with a new node: cluster-autoscaler's
   * `TriggeredScaleUp` event ("pod triggered scale-up: [...]"; its `NotTriggerScaleUp` says it will
   * not), or Karpenter's `Nominated` ("Pod should schedule on: nodeclaim/...").
   */
  private async scalingUp(pod: string): Promise<boolean> {
    return /\s(TriggeredScaleUp|Nominated)\s/.test(await this.events(pod));
  }

  /** Why the pod cannot be scheduled, with what it asks and what the freest node has. */
  private async unschedulableMessage(index: number, reason: string, plan: PodPlan): Promise<string> {
    const r = plan.resources ?? podResources(this.config.pod, this.autoCpu);
    const nodes = await this.nodeCpu();
    const where = typeof nodes === 'string' ? `(nodes not readable: ${nodes})` : nodes[0] ? describeNode(nodes[0]) : 'no node takes pods';
    const asks = podCpuMillis(r) === 0 && !r.sut.memory && !r.loadgen.memory
      ? 'it requests no CPU or memory (cpu and memory unset)'
      : `it requests ${podCpuMillis(r)}m CPU (2 x cpu ${r.sut.cpu ?? '0'} + loadgen ${r.loadgen.cpu ?? '0'}) and memory 2 x ${r.sut.memory ?? '0'} + ${r.loadgen.memory ?? '0'}`;
    return `round ${index}: the pod cannot be scheduled (Unschedulable: ${reason}): ${asks}; ${where}. Lower cpu/memory, or set cpu: auto`;
  }

  /**
   * An init container (join-hook: the parts of a large hook joined and checked against its sha256)
   * that failed: the pod then is Failed with no reason of its own, so its state and log say why.
   */
  private async failOnInitError(pod: string, p: KubePod, when: string): Promise<void> {
    const failed = p.status?.initContainerStatuses?.find((c) => (c.state?.terminated?.exitCode ?? 0) !== 0);
    const t = failed?.state?.terminated;
    if (!failed || !t) return;
    const log = await this.kubectlRaw(['logs', pod, '-n', this.namespace, '-c', failed.name], { timeoutMs: 60_000 });
    const said = tail(log.code === 0 ? log.stdout : cleanStderr(log.stderr), 5);
    await this.fail(pod, `${when} init container ${failed.name} failed (${terminatedText(t)})${said ? `; its log:\n${said}` : ''}`);
  }

  /** A container whose image cannot be pulled: fail with the image, the reason and the events. */
  private async failOnPullError(pod: string, p: KubePod, when: string): Promise<void> {
    for (const c of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
      const w = c.state?.waiting;
      if (!w?.reason || !PULL_ERRORS.includes(w.reason)) continue;
      const image = [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])].find((x) => x.name === c.name)?.image ?? '?';
      await this.fail(pod, `${when} image ${image} of container ${c.name} cannot be pulled (${w.reason}${w.message ? `: ${w.message}` : ''})`);
    }
  }

  private async waitForLoadgen(pod: string, index: number, plan: PodPlan): Promise<KubePod> {
    const timeout = this.config.pod.podTimeoutMs;
    const deadline = Date.now() + timeout;
    let measuringSince: number | undefined;
    /** An autoscaler is adding a node for the pod: Unschedulable then waits, up to pod-timeout. */
    let scalingUp = false;
    for (;;) {
      const p = await this.getPod(pod);
      // Once every container runs, the round is measuring: stay quiet (no kubectl process, no API
      // call on the node) for most of what earlier rounds took.
      if (measuringSince === undefined && [CONTAINERS.baseline, CONTAINERS.candidate, CONTAINERS.loadgen].every((c) => status(p, c)?.state?.running)) {
        measuringSince = Date.now();
        const quiet = Math.min(quietMs(this.measuredMs), deadline - Date.now());
        if (quiet > 0) {
          await sleep(quiet);
          continue;
        }
      }
      const all = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])];
      await this.failOnPullError(pod, p, `round ${index}:`);
      for (const c of all) {
        const w = c.state?.waiting;
        if (w?.reason && START_ERRORS.includes(w.reason)) {
          await this.fail(pod, `round ${index}: container ${c.name} cannot start (${w.reason}${w.message ? `: ${w.message}` : ''})`);
        }
      }
      const unschedulable = p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
      if (unschedulable && !(scalingUp ||= await this.scalingUp(pod))) await this.fail(pod, await this.unschedulableMessage(index, unschedulable.message ?? '', plan));
      const lg = status(p, CONTAINERS.loadgen)?.state?.terminated;
      if (lg?.reason === 'OOMKilled') await this.fail(pod, `round ${index}: the loadgen was OOMKilled`);
      for (const sut of [CONTAINERS.baseline, CONTAINERS.candidate]) {
        const t = status(p, sut)?.state?.terminated;
        if (!t) continue;
        if (t.reason === 'OOMKilled') {
          await this.fail(pod, `round ${index}: ${sut} was OOMKilled (memory limit ${this.config.pod.memory ?? 'none'}): raise memory`, index);
        }
        // A SUT runs until the pod is deleted: terminated at all, it died during the round (seen
        // with the loadgen's end when it died while the runtime stayed quiet).
        await this.sutDied(pod, index, sut, t, lg ? 'stopped during the round' : 'terminated before the loadgen finished');
      }
      if (lg) {
        if (measuringSince !== undefined) this.measuredMs.push(Date.now() - measuringSince);
        return p;
      }
      await this.failOnInitError(pod, p, `round ${index}:`);
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

  /** The hook must be mapped in the process listening on the SUT's port (PID 1 may be an init or a shell). */
  private async proveHooked(pod: string, plan: PodPlan): Promise<void> {
    for (const h of hookedContainers(plan)) {
      const where = `${h.container} of ${this.namespace}/${pod}`;
      const r = await this.kubectlRaw(['exec', pod, '-n', this.namespace, '-c', h.container, '--', 'sh', '-c', SNAPSHOT_SCRIPT], { timeoutMs: 60_000, required: true });
      if (r.code !== 0) {
        throw new RunError(`cannot verify that ${h.fileName} is loaded in ${where} (kubectl exec: ${cleanStderr(r.stderr)}); the SUT image needs sh, cat and readlink`);
      }
      const sut = listenerOf(parseSnapshot(r.stdout), h.port);
      if (!sut) throw noListener(where, h.port, h.fileName);
      if (!isMapped(sut.maps, h.dir, h.fileName)) {
        const log = await this.kubectlRaw(['logs', pod, '-n', this.namespace, '-c', h.container], { timeoutMs: 60_000 });
        throw hookNotLoaded(h, `${where} (pid ${sut.pid}, listening on port ${h.port})`, log.stdout);
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
      this.ledger.removed({ kind: 'pod', name: `${this.namespace}/${pod}`, context: this.context });
    }
  }

  /** Recorded before they are applied: an apply cut short still leaves them in the ledger. */
  private recordConfigMaps(configMaps: { metadata?: { name?: string } }[]): void {
    for (const cm of configMaps) {
      const name = `${this.namespace}/${cm.metadata?.name ?? ''}`;
      this.configMaps.add(name);
      this.ledger.created({ kind: 'configmap', name, context: this.context });
    }
  }

  /** The ConfigMaps went (by label, or with the namespace): out of the ledger. */
  private configMapsRemoved(): void {
    for (const name of this.configMaps) this.ledger.removed({ kind: 'configmap', name, context: this.context });
    this.configMaps.clear();
  }

  async teardown(): Promise<void> {
    for (const pod of [...this.livePods]) await this.deletePod(pod);
    if (this.ownNamespace) {
      if (!this.namespaceCreated) return;
      const r = await this.kubectlRaw(['delete', 'namespace', this.namespace, '--ignore-not-found', '--wait=false'], { timeoutMs: 120_000 });
      if (r.code === 0) {
        this.namespaceCreated = false;
        this.configMapsRemoved();
        this.ledger.removed({ kind: 'namespace', name: this.namespace, context: this.context });
      }
    } else if (this.configMaps.size > 0) {
      const r = await this.kubectlRaw(['delete', 'configmap', '-n', this.namespace, '-l', `${POD_LABELS.run}=${dnsLabel(this.runId)}`, '--ignore-not-found'], { timeoutMs: 120_000 });
      if (r.code === 0) this.configMapsRemoved();
      this.assets = undefined;
    }
  }
}

/**
 * "exit 128, StartError: <message>": under restartPolicy Never a command that cannot start ends as
 * terminated with reason StartError, and only `message` says why (the log is empty).
 */
type Terminated = NonNullable<NonNullable<KubeContainerStatus['state']>['terminated']>;

function terminatedText(t: Terminated): string {
  return `exit ${t.exitCode ?? '?'}${t.reason ? `, ${t.reason}` : ''}${t.message?.trim() ? `: ${t.message.trim()}` : ''}`;
}

/**
 * No polling during this much of a round: 80 % of the shortest earlier round (none before the
 * first has been timed). A `kubectl get` costs about 40-50 ms of CPU (kubectl 1.32, measured on a
 * loaded 2-vCPU machine), plus the API server's work on kind's node: polled every second while
 * measuring, that is about 5 % of a CPU beside the SUTs.
 */
export function quietMs(earlier: number[]): number {
  return earlier.length ? Math.floor(0.8 * Math.min(...earlier)) : 0;
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
