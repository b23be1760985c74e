// The embedded default: both SUT arms as child processes on this host, the candidate with
// LD_PRELOAD of the hook, the native load generator (hook/loadgen.c) as a third, pinned child. Every round starts both arms
// fresh on free ports and stops them; nothing is left running, also on failure or Ctrl-C.
import { createServer } from 'node:net';
import type { Config } from '../../config';
import { RoundFailedError } from '../../errors';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { countCalls } from '../../calls/strace';
import { COUNT_FILE_ENV, COUNT_REQUESTS, countingPreload, countWithPreload, ensureCountPreload, UNHOOKED_FUNCTIONS } from '../../cost/count-preload';
import { wrappedByGate } from '../../cost/wrapped';
import { sameHostCheck } from '../../checks';
import type { CallCounts, RoundOutcome, Runtime } from '../contract';
import { firstStarted, slotPorts } from '../../experiment/schedule';
import type { LoadgenConfig } from '../../loadgen/config';
import { ensureLoadgen, LoadgenProcess, loadgenFailure } from '../../loadgen/native';
import { roundFromSamples } from '../../samples/round-data';
import { ARMS, type Arm, type PlacementReport, type RoundData } from '../../types';
import { SutProcess, type SutProcessOptions } from './sut-process';
import { allowedCpus, helperCpus, hostPlan, pinBinary, pinnedCommand, pinProcess, probePoints, RoundObserver, type PlacementPlan } from '../placement';

export interface LocalRuntimeOptions {
  /** argv of the SUT; `{port}` is replaced by the instance's port, which is also in $PORT. */
  command: string[];
}

export class LocalRuntime implements Runtime {
  readonly name = 'local';
  private live = new Set<SutProcess>();
  private readonly onExit = () => this.killAll();
  /** The round being measured and its load generator (for salvage on Ctrl-C). */
  private inProgress?: { index: number; loadgen: LoadgenProcess };
  private readonly allowed = allowedCpus();
  private readonly plan: PlacementPlan;
  private readonly report: PlacementReport;
  /** Set once this process is moved off the measured CPUs, so teardown can restore its affinity. */
  private pinnedSelf = false;

  constructor(
    private readonly config: Config,
    private readonly opts: LocalRuntimeOptions,
  ) {
    process.on('exit', this.onExit);
    this.plan = hostPlan(config.placement, this.allowed);
    const { requested, mode, loadgen, sut } = this.plan;
    const helpers = helperCpus(this.plan, this.allowed);
    this.report = { requested, mode, pinned: { loadgen, sut, ...(helpers ? { helpers } : {}) }, allowed: this.allowed, rounds: [] };
  }

  placement(): PlacementReport {
    return this.report;
  }

  async runRound(index: number): Promise<RoundOutcome> {
    this.pinSelf();
    const binary = await ensureLoadgen();
    const { sut } = this.config;
    const command = pinnedCommand(pinBinary(), this.plan.sut, this.opts.command);
    const first = firstStarted(this.config.seed, index);
    const [low, high] = await freePorts(2);
    const { baseline: portB, candidate: portC } = slotPorts(first, low, high);
    const arms = {
      baseline: { label: 'baseline', command, env: sut.env, port: portB, preload: this.config.baselineHook },
      candidate: { label: 'candidate', command, env: sut.env, port: portC, preload: this.config.hook },
    };
    const started = {} as Record<Arm, SutProcess>;
    for (const arm of first === 'baseline' ? ARMS : [...ARMS].reverse()) started[arm] = this.start(arms[arm]);
    const { baseline, candidate } = started;
    let loadgen: LoadgenProcess | undefined;
    const observer = new RoundObserver(index, first, () => ({ baseline: [baseline.pid], candidate: [candidate.pid], loadgen: loadgen?.pid }));
    const probes = [...probePoints(this.config.requestsPerRound)].sort((a, b) => a - b);
    try {
      await Promise.all([baseline.waitReady(sut.readyPath, sut.readyTimeoutMs), candidate.waitReady(sut.readyPath, sut.readyTimeoutMs)]);
      if (this.config.hook) candidate.assertMapped(this.config.hook);
      if (this.config.baselineHook) baseline.assertMapped(this.config.baselineHook);
      // From this process, while the load generator runs on its own CPU: where both arms last ran,
      // once for each probe point its rows have passed.
      let probed = 0;
      loadgen = new LoadgenProcess(pinnedCommand(pinBinary(), this.plan.loadgen, [binary]), this.roundConfig(index, portB, portC), (rows) => {
        while (probed < probes.length && rows.length > probes[probed]!) {
          probed++;
          observer.sample();
        }
      });
      this.inProgress = { index, loadgen };
      const exit = await loadgen.exited;
      if (exit.code !== 0) throw loadgenFailure(`round ${index}`, exit);
      this.report.rounds.push(observer.result());
      const data = roundFromSamples(index, loadgen.samples);
      const died = [baseline, candidate].find((p) => p.exit);
      if (died) {
        const said = died.tail(2);
        throw new RoundFailedError(
          `SUT (${died.opts.label}) ${died.describeExit()} during round ${index}${said ? `: ${said}` : ''}`,
          data,
        );
      }
      return { data, checks: [sameHostCheck()] };
    } finally {
      this.inProgress = undefined;
      loadgen?.dispose();
      await Promise.all([baseline.stop(), candidate.stop()]);
      this.live.delete(baseline);
      this.live.delete(candidate);
    }
  }

  /** The round's config: the SUTs are ready (waited for above), so the load generator does not wait. */
  private roundConfig(index: number, portB: number, portC: number): LoadgenConfig {
    return {
      ...this.loadgenBase(),
      round: index,
      rounds: 1,
      targets: { baseline: { host: '127.0.0.1', port: portB }, candidate: { host: '127.0.0.1', port: portC } },
      warmupPerArm: this.config.warmupRequests,
      pairs: this.config.requestsPerRound / 2,
    };
  }

  private loadgenBase(): Omit<LoadgenConfig, 'round' | 'rounds' | 'targets' | 'warmupPerArm' | 'pairs'> {
    const { seed, connection, concurrency, requests, timeoutMs } = this.config;
    return { seed, connection, concurrency, requests, timeoutMs, waitReadyMs: 0, readyPath: this.config.sut.readyPath };
  }

  /** Ctrl-C: the SUTs go first (so no request waits for them), then every row the load generator measured. */
  salvage(): RoundData | null {
    const current = this.inProgress;
    this.inProgress = undefined;
    this.killAll();
    const samples = current?.loadgen.salvageSync() ?? [];
    return current && samples.length > 0 ? roundFromSamples(current.index, samples) : null;
  }

  /**
   * One extra, unmeasured instance of the candidate counting the functions either hook wraps per
   * request: with the counting preload in front of the hook when it can count them (no ptrace
   * needed, start-up calls excluded), else under strace (system calls, also made inside libc).
   */
  async countCalls(requests = COUNT_REQUESTS): Promise<CallCounts> {
    const [port] = await freePorts(1);
    const hook = this.config.hook;
    const wrapped = hook ? wrappedByGate(this.config) : null;
    if (!wrapped || wrapped.countable.length === 0) {
      const counted = await countCalls({
        command: this.opts.command,
        env: this.config.sut.env,
        ldPreload: hook,
        functions: wrapped?.wrapped.length ? wrapped.wrapped : UNHOOKED_FUNCTIONS,
        port,
        run: (p) => this.drive(p, requests),
      });
      return 'unavailable' in counted ? counted : { perRequest: counted.perRequest, requests: counted.requests, method: 'strace' };
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'hook-latency-count-'));
    const file = path.join(dir, 'counts.txt');
    const preload = countingPreload(await ensureCountPreload(), hook);
    const sut = this.start({ label: 'counting', command: this.opts.command, env: { ...this.config.sut.env, [COUNT_FILE_ENV]: file }, port, preload });
    try {
      await sut.waitReady(this.config.sut.readyPath, this.config.sut.readyTimeoutMs);
      const counted = await countWithPreload({
        functions: wrapped.countable,
        file,
        instance: { signal: () => void sut.child.kill('SIGUSR2'), stop: () => sut.stop() },
        drive: () => this.drive(port, requests),
      });
      return { ...counted, method: 'preload', ...(wrapped.uncountable.length ? { uncounted: wrapped.uncountable } : {}) };
    } finally {
      await sut.stop();
      this.live.delete(sut);
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The gate's request mix and connection mode, one request at a time (the load generator's --count). */
  private async drive(port: number, requests: number): Promise<number> {
    const target = { host: '127.0.0.1', port };
    const config: LoadgenConfig = { ...this.loadgenBase(), round: 0, rounds: 1, targets: { baseline: target, candidate: target }, warmupPerArm: 0, pairs: 1, count: { requests } };
    const p = new LoadgenProcess([await ensureLoadgen(), '--count'], config);
    try {
      const exit = await p.exited;
      if (exit.code !== 0) throw loadgenFailure('counting calls per request', exit);
    } finally {
      p.dispose();
    }
    return requests;
  }

  async teardown(): Promise<void> {
    await Promise.all([...this.live].map((p) => p.stop()));
    this.live.clear();
    process.off('exit', this.onExit);
    if (this.pinnedSelf) {
      this.pinnedSelf = false;
      pinProcess(pinBinary(), this.allowed.join(','), process.pid);
    }
  }

  /**
   * This process only orchestrates now (the load generator is its own pinned process): it goes to
   * the CPUs the plan leaves free, so its timers and /proc reads never run on a measured CPU; with
   * no free CPU it stays where it may run.
   */
  private pinSelf(): void {
    const helpers = helperCpus(this.plan, this.allowed);
    if (this.pinnedSelf || helpers === null) return;
    pinProcess(pinBinary(), helpers, process.pid);
    this.pinnedSelf = true;
  }

  private start(opts: SutProcessOptions): SutProcess {
    const p = new SutProcess(opts);
    this.live.add(p);
    return p;
  }

  private killAll(): void {
    for (const p of this.live) p.killNow();
  }
}

/** Ports the OS reports free right now (bound to port 0, then released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
