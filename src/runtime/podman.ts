// The podman runtime: the real pod, locally. Each round `podman kube play`s exactly the Pod
// manifest the Kubernetes runtimes apply (images swapped for locally imported ones), waits for the
// loadgen, takes its logs (the samples CSV) before the pod goes, proves the candidate is hooked
// from the /proc/<pid>/maps of the process listening on its port, then removes the pod and the ConfigMap volumes `kube down` leaves behind.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, constants, hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuThrottlingCheck, memoryLimitCheck, samePodCheck } from '../checks';
import type { Config } from '../config';
import { RoundFailedError, RunError } from '../errors';
import { COUNT_REQUESTS, ensureCountPreload, preloadFunctions } from '../cost/count-preload';
import { ensureLoadgen } from '../loadgen/native';
import { NO_LEDGER, type CallCounts, type ResourceLedger, type RoundOutcome, type Runtime } from './contract';
import { firstStarted } from '../experiment/schedule';
import type { Check, PlacementReport, RoundData } from '../types';
import { buildPodManifest, CONTAINERS, podName, toYaml, type PodPlan } from './pod/manifest';
import { readCgroup, type CgroupReading } from './pod/cgroup';
import { cleanStderr, ExecError, run, runOk, tail } from './pod/exec';
import { binaryRootfs, ensureImage } from './pod/image';
import { hostSnapshot } from './pod/host-proc';
import { listenerOf, noListener } from './pod/listener';
import { hookedContainers, hookNotLoaded, isMapped } from './pod/maps';
import { partialRound, roundFromOutput } from './pod/output';
import { autoCpuMillis } from './pod/resources';
import { expectedRows, loadPodAssets, newRunId, podPlan, type PlanImages, type PodAssets } from './pod/plan';
import { allowedCpus, pinBinary, RoundObserver, type PlacementPlan } from './placement';
import { placePod, podPlacement } from './pod/placement';
import { COUNT_COMMAND, countingPodManifest, countPodName, countsFromOutput } from './pod/count';
import { SALVAGE_REMOVE_MS, salvageRead, salvageRun } from './pod/salvage-exec';

const KUBE_NETWORK = 'podman-default-kube-network';
const SUT_IMAGE_NAME = 'hook-latency-sut';

/** True when the SUT image is ours to make: imported from the host binary `sut.command[0]` (no or our own image). */
export function importsSutBinary(sut: Config['sut']): boolean {
  return !sut.image || sut.image.startsWith(`localhost/${SUT_IMAGE_NAME}`);
}

/** "139 (SIGSEGV)": a container exit code above 128 is 128 + the signal that killed its process. */
function exitStatus(code: number): string {
  const signal = Object.entries(constants.signals).find(([, n]) => n === code - 128)?.[0];
  return code > 128 && signal ? `${code} (${signal})` : String(code);
}

export interface PodmanOptions {
  podman?: string;
  runId?: string;
  pollMs?: number;
  /** Told of every pod created and removed (default: nobody). */
  ledger?: ResourceLedger;
}

interface Prepared {
  assets: PodAssets;
  images: PlanImages;
  /** The placement actually applied (off when the SUT containers cannot be pinned). */
  placement: PlacementPlan;
}

interface ContainerState {
  name: string;
  status: string;
  exitCode: number;
  oomKilled: boolean;
  pid: number;
}

export interface RoundTiming {
  /** `podman kube play` until it returned (pod and containers started). */
  podStartMs: number;
  /** kube play until the loadgen exited. */
  roundMs: number;
  /** Pod and volume removal. */
  removeMs: number;
}

export class PodmanRuntime implements Runtime {
  readonly name = 'podman';
  readonly runId: string;
  readonly timings: RoundTiming[] = [];
  private readonly podman: string;
  private readonly pollMs: number;
  private prepared?: Promise<Prepared>;
  private readonly pods = new Set<string>();
  /** The ConfigMaps of the run: podman makes each a named volume that `kube down` leaves behind. */
  private readonly volumes = new Set<string>();
  /** The round whose pod is up (for salvage on Ctrl-C). */
  private inProgress?: { index: number; pod: string };
  private networkPreexisted = true;
  private readonly dir = mkdtempSync(join(tmpdir(), 'hook-latency-podman-'));
  private report?: PlacementReport;

  private readonly ledger: ResourceLedger;

  constructor(
    private readonly config: Config,
    opts: PodmanOptions = {},
  ) {
    this.podman = opts.podman ?? 'podman';
    this.runId = opts.runId ?? newRunId();
    this.pollMs = opts.pollMs ?? 100;
    this.ledger = opts.ledger ?? NO_LEDGER;
  }

  private exec(args: string[], timeoutMs = 60_000) {
    return runOk([this.podman, ...args], { timeoutMs }).catch((e: unknown) => {
      if (e instanceof ExecError) {
        if (e.result.code === 127) throw new RunError(`podman not found on PATH: run scripts/setup-podman.sh (installs podman + runc)`);
        throw new RunError(e.message);
      }
      throw e;
    });
  }

  private prepare(): Promise<Prepared> {
    this.prepared ??= (async () => {
      await this.exec(['version', '--format', '{{.Client.Version}}'], 30_000);
      this.networkPreexisted = (await run([this.podman, 'network', 'exists', KUBE_NETWORK], { timeoutMs: 30_000 })).code === 0;
      const assets = loadPodAssets(this.config, pinBinary(), await ensureLoadgen());
      const images = await this.images();
      // The containers see the host's CPUs (no cpuset is set), so "@-1" is the host's last allowed CPU.
      const { plan: placement, report } = podPlacement(this.config.placement, images.sutCommand, allowedCpus());
      this.report = report;
      return { assets, images, placement };
    })();
    return this.prepared;
  }

  placement(): PlacementReport {
    return this.report ?? podPlacement(this.config.placement, this.config.sut.command, allowedCpus()).report;
  }

  /** The example SUT (or any host binary) as a minimal local image unless a real image is configured. */
  private async images(): Promise<PlanImages> {
    const { sut } = this.config;
    const own = importsSutBinary(sut) ? await this.sutImage() : undefined;
    return { sutImage: own?.image ?? (sut.image as string), sutCommand: own?.command ?? sut.command, pullPolicy: 'IfNotPresent' };
  }

  /** The round's plan; the loadgen is mounted from this host (see PodPlan.loadgen.hostPath). */
  private async plan(index: number): Promise<PodPlan> {
    const { assets, images } = await this.prepare();
    const plan = podPlan(this.config, this.runId, index, assets, images, undefined, this.autoCpu());
    plan.loadgen.hostPath = assets.loadgen.path;
    return plan;
  }

  /** The SUT binary `sut.command[0]` with its libraries (and the hooks') as a local image. */
  private async sutImage(): Promise<{ image: string; command: string[] }> {
    const { command } = this.config.sut;
    const binary = command[0];
    if (!binary) throw new RunError('podman: sut.command is required to build the SUT image');
    if (!existsSync(binary)) throw new RunError(`podman: the SUT binary ${binary} does not exist (build it, e.g. make -C hook)`);
    const hooks = [this.config.hook, this.config.baselineHook].filter((h): h is string => Boolean(h));
    const image = await ensureImage(this.podman, SUT_IMAGE_NAME, await binaryRootfs(binary, hooks, '/app'));
    return { image, command: [`/app/${basename(binary)}`, ...command.slice(1)] };
  }

  /** `cpu: auto` under podman: the node is this host, all of its CPUs free. */
  private autoCpu(): number | undefined {
    const { cpu, loadgenCpu } = this.config.pod;
    if (cpu !== 'auto' && loadgenCpu !== 'auto') return undefined;
    return autoCpuMillis([{ node: hostname(), allocatable: availableParallelism() * 1000, requested: 0 }]);
  }

  async runRound(index: number): Promise<RoundOutcome | null> {
    const { assets, placement } = await this.prepare();
    const plan = await this.plan(index);
    const pod = podName(plan.runId, index);
    const file = join(this.dir, `${pod}.yaml`);
    const first = firstStarted(this.config.seed, index);
    const manifest = placePod(buildPodManifest(plan), plan.runId, { plan: placement, pin: assets.pin, pinHostPath: pinBinary(), first });
    for (const cm of manifest.configMaps) this.volumes.add((cm.metadata as { name: string }).name);
    writeFileSync(file, toYaml(manifest));
    const ctr = (c: string) => `${pod}-${c}`;
    const t0 = Date.now();
    let podStartMs = 0;
    let roundMs = 0;
    try {
      this.inProgress = { index, pod };
      this.pods.add(pod);
      this.ledger.created({ kind: 'pod', name: pod, context: 'podman' });
      const play = await run([this.podman, 'kube', 'play', file], { timeoutMs: 120_000 });
      podStartMs = Date.now() - t0;
      if (play.code !== 0 || play.timedOut) {
        throw new RunError(`podman kube play failed for round ${index}: ${cleanStderr(play.stderr) || cleanStderr(play.stdout) || `exit ${play.code}`}`);
      }
      const suts = [ctr(CONTAINERS.baseline), ctr(CONTAINERS.candidate)];
      const started = await this.inspect([...suts, ctr(CONTAINERS.loadgen)]);
      const pids = suts.map((n) => started.find((s) => s.name === n)?.pid ?? 0);
      const cgroups = () => pids.map((p) => (p > 0 ? readCgroup(p) : {}));
      const before = cgroups();
      // The containers' processes are host processes: sample where they run while the loadgen works.
      const loadgenPid = started.find((s) => s.name === ctr(CONTAINERS.loadgen))?.pid ?? 0;
      const observer = new RoundObserver(index, first, () => ({ baseline: [pids[0]], candidate: [pids[1]], loadgen: loadgenPid }));

      const states = await this.waitForLoadgen(pod, index, () => observer.sample());
      observer.sample(); // the SUTs are still up: the CPU each last ran on is where the round ended
      this.report?.rounds.push(observer.result());
      roundMs = Date.now() - t0;
      const loadgen = states.find((s) => s.name === ctr(CONTAINERS.loadgen)) as ContainerState;
      const logs = await run([this.podman, 'logs', ctr(CONTAINERS.loadgen)], { timeoutMs: 60_000 });
      const after = cgroups();
      const sutStates = states.filter((s) => suts.includes(s.name));

      if (loadgen.exitCode !== 0) {
        throw new RunError(
          `round ${index}: the loadgen failed (exit ${loadgen.exitCode}${loadgen.oomKilled ? ', OOMKilled' : ''}): ${tail(cleanStderr(logs.stderr), 5)}` +
            (await this.deadSutLogs(sutStates)),
        );
      }
      const stopped = async (states: ContainerState[]) =>
        new RoundFailedError(`round ${index}: a SUT container stopped during the round${await this.deadSutLogs(states)}`, partialRound(logs.stdout, index));
      if (sutStates.some((s) => s.status !== 'running')) throw await stopped(sutStates);
      try {
        await this.proveHooked(pod, sutStates, plan);
      } catch (err) {
        // A SUT that died as the loadgen finished can still read "running" (an init such as catatonit
        // exits a moment after its child); the proof then finds no listener. Name the death instead.
        const later = await this.settledSuts(suts);
        if (later.some((s) => s.status !== 'running')) throw await stopped(later);
        throw err;
      }
      const data = roundFromOutput(logs.stdout, index, expectedRows(this.config), `podman pod ${pod}`);
      return { data, checks: this.checks(pod, index, before, after) };
    } finally {
      this.inProgress = undefined;
      const t1 = Date.now();
      await this.removePod(pod);
      rmSync(file, { force: true });
      this.timings.push({ podStartMs, roundMs, removeMs: Date.now() - t1 });
    }
  }

  /**
   * One extra, unmeasured pod: the candidate with the counting preload in front of the hook, the
   * loadgen counting around `requests` sequential requests (pod/count.ts). No ptrace, no privileges.
   */
  async countCalls(requests = COUNT_REQUESTS): Promise<CallCounts> {
    const chosen = preloadFunctions(this.config);
    if ('unavailable' in chosen) return chosen;
    const countSo = readFileSync(await ensureCountPreload());
    const plan = await this.plan(0);
    const manifest = countingPodManifest(plan, countSo, requests);
    const pod = countPodName(plan.runId);
    const file = join(this.dir, `${pod}.yaml`);
    for (const cm of manifest.configMaps) this.volumes.add((cm.metadata as { name: string }).name);
    writeFileSync(file, toYaml(manifest));
    try {
      this.pods.add(pod);
      this.ledger.created({ kind: 'pod', name: pod, context: 'podman' });
      const play = await run([this.podman, 'kube', 'play', file], { timeoutMs: 120_000 });
      if (play.code !== 0 || play.timedOut) {
        throw new RunError(`podman kube play failed for the counting pod: ${cleanStderr(play.stderr) || cleanStderr(play.stdout) || `exit ${play.code}`}`);
      }
      const loadgen = `${pod}-${CONTAINERS.loadgen}`;
      const r = await run([this.podman, 'exec', loadgen, ...COUNT_COMMAND], { timeoutMs: this.config.pod.podTimeoutMs });
      if (r.code !== 0 || r.timedOut) {
        const sut = await this.logsOf(`${pod}-${CONTAINERS.candidate}`);
        throw new RunError(
          `counting calls in podman pod ${pod} failed (${r.timedOut ? 'timed out' : `exit ${r.code}`}): ${tail(cleanStderr(r.stderr), 3)}${sut.trim() ? `; the SUT's log:\n${tail(sut, 5)}` : ''}`,
        );
      }
      const counted = countsFromOutput(r.stdout, chosen.functions, `podman pod ${pod}`);
      return { ...counted, method: 'preload', ...(chosen.uncounted.length ? { uncounted: chosen.uncounted } : {}) };
    } finally {
      await this.removePod(pod);
      rmSync(file, { force: true });
    }
  }

  /** The SUT containers' states, re-read for up to a second until one has stopped. */
  private async settledSuts(names: string[]): Promise<ContainerState[]> {
    let states = await this.inspect(names);
    for (let i = 0; i < 5 && states.every((s) => s.status === 'running'); i++) {
      await sleep(200);
      states = await this.inspect(names);
    }
    return states;
  }

  private async inspect(names: string[]): Promise<ContainerState[]> {
    const r = await this.exec(
      ['inspect', '--type', 'container', '--format', '{{.Name}}\t{{.State.Status}}\t{{.State.ExitCode}}\t{{.State.OOMKilled}}\t{{.State.Pid}}', ...names],
      30_000,
    );
    return r.stdout
      .split('\n')
      .filter((l) => l.includes('\t'))
      .map((l) => {
        const [name, status, code, oom, pid] = l.split('\t');
        return { name, status, exitCode: Number(code), oomKilled: oom === 'true', pid: Number(pid) };
      });
  }

  /** Polls the round's containers until the loadgen has ended, or a SUT has (pod-timeout: RunError). */
  private async waitForLoadgen(pod: string, index: number, onPoll: () => void): Promise<ContainerState[]> {
    const names = [CONTAINERS.baseline, CONTAINERS.candidate, CONTAINERS.loadgen].map((c) => `${pod}-${c}`);
    const deadline = Date.now() + this.config.pod.podTimeoutMs;
    for (;;) {
      const states = await this.inspect(names);
      // A SUT that has ended ends the round too: the loadgen would only wait out its ready timeout
      // or fail its requests, and the SUT's own log says why.
      if (states.some((s) => s.status === 'exited' || s.status === 'stopped')) return states;
      onPoll();
      if (Date.now() > deadline) {
        throw new RunError(
          `round ${index}: the loadgen did not finish within ${this.config.pod.podTimeoutMs} ms (pod-timeout); states: ${states.map((s) => `${s.name}=${s.status}`).join(', ')}`,
        );
      }
      await sleep(this.pollMs);
    }
  }

  /** A container's whole log (stdout and stderr), '' when unreadable. */
  private async logsOf(name: string): Promise<string> {
    const r = await run([this.podman, 'logs', name], { timeoutMs: 30_000 }).catch(() => null);
    return r ? `${r.stdout}\n${r.stderr}` : '';
  }

  private async deadSutLogs(states: ContainerState[]): Promise<string> {
    let out = '';
    for (const s of states.filter((x) => x.status !== 'running')) {
      out += `\n${s.name} ${s.oomKilled ? 'was OOMKilled' : `exited with ${exitStatus(s.exitCode)}`}; its log:\n${tail(await this.logsOf(s.name))}`;
    }
    return out;
  }

  /** The .so must be mapped in the SUT process (the one listening on its port), else the run would silently measure nothing. */
  private async proveHooked(pod: string, states: ContainerState[], plan: PodPlan): Promise<void> {
    for (const h of hookedContainers(plan)) {
      const name = `${pod}-${h.container}`;
      const pid = states.find((s) => s.name === name)?.pid ?? 0;
      const snapshot = pid > 0 ? hostSnapshot(pid) : undefined;
      if (!snapshot) throw new RunError(`cannot verify that ${h.fileName} is loaded in ${name}: /proc/${pid} is not readable (run as root)`);
      const sut = listenerOf(snapshot, h.port);
      if (!sut) throw noListener(name, h.port, h.fileName);
      if (!isMapped(sut.maps, h.dir, h.fileName)) throw hookNotLoaded(h, `${name} (pid ${sut.pid}, listening on port ${h.port})`, await this.logsOf(name));
    }
  }

  private checks(pod: string, round: number, before: CgroupReading[], after: CgroupReading[]): Check[] {
    const names = [CONTAINERS.baseline, CONTAINERS.candidate];
    return [
      samePodCheck({ name: pod, containers: [CONTAINERS.baseline, CONTAINERS.candidate, CONTAINERS.loadgen] }),
      cpuThrottlingCheck(names.map((c, i) => ({ container: c, before: before[i]?.nrThrottled, after: after[i]?.nrThrottled })), round),
      memoryLimitCheck(names.map((c, i) => ({ container: c, usage: after[i]?.memoryUsage, limit: after[i]?.memoryLimit })), round),
    ];
  }

  private async removePod(pod: string): Promise<void> {
    // `pod stop -t 0` + `pod rm -f` is `kube down` without waiting out the grace period (3.5 s a round).
    await run([this.podman, 'pod', 'stop', '-t', '0', pod], { timeoutMs: 60_000 }).catch(() => null);
    await run([this.podman, 'pod', 'rm', '-f', pod], { timeoutMs: 60_000 }).catch(() => null);
    await this.removeVolumes();
    const left = await run([this.podman, 'pod', 'exists', pod], { timeoutMs: 30_000 }).catch(() => null);
    if (left && left.code !== 0) {
      this.pods.delete(pod);
      this.ledger.removed({ kind: 'pod', name: pod, context: 'podman' });
    }
  }

  /** kube play creates the ConfigMap volumes even when it fails; kube down leaves them behind. */
  private async removeVolumes(): Promise<void> {
    if (this.volumes.size === 0) return;
    await run([this.podman, 'volume', 'rm', '-f', ...this.volumes], { timeoutMs: 60_000 }).catch(() => null);
  }

  /**
   * On cancel: the loadgen's rows so far (it writes them in batches), then the pod and volumes go;
   * each call within 2 s, the pod's removal within 5 s (pod/salvage-exec.ts), the ledger entry removed only when the pod went.
   */
  salvage(): RoundData | null {
    const current = this.inProgress;
    this.inProgress = undefined;
    if (!current) return null;
    const logs = salvageRead([this.podman, 'logs', `${current.pod}-${CONTAINERS.loadgen}`]);
    if (salvageRun([this.podman, 'pod', 'rm', '-f', '-t', '0', current.pod], SALVAGE_REMOVE_MS)) {
      this.pods.delete(current.pod);
      this.ledger.removed({ kind: 'pod', name: current.pod, context: 'podman' });
    }
    if (this.volumes.size) salvageRun([this.podman, 'volume', 'rm', '-f', ...this.volumes]);
    return partialRound(logs, current.index);
  }

  async teardown(): Promise<void> {
    for (const pod of [...this.pods]) await this.removePod(pod);
    await this.removeVolumes();
    if (!this.networkPreexisted) {
      // Without -f: if another pod still uses the network it stays (and is not ours to break).
      await run([this.podman, 'network', 'rm', KUBE_NETWORK], { timeoutMs: 60_000 }).catch(() => null);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
