// The embedded default: both SUT arms as child processes on this host, the candidate with
// LD_PRELOAD of the hook, the load generator in-process on loopback. Every round starts both arms
// fresh on free ports and stops them; nothing is left running, also on failure or Ctrl-C.
import { createServer } from 'node:net';
import type { Config } from '../config';
import { RoundFailedError, RunError } from '../errors';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { countCalls } from '../calls/strace';
import { COUNT_FILE_ENV, COUNT_REQUESTS, countingPreload, countWithPreload, ensureCountPreload, UNHOOKED_FUNCTIONS } from '../cost/count-preload';
import { wrappedByGate } from '../cost/wrapped';
import { sameHostCheck } from '../checks';
import type { CallCounts, RoundOutcome, Runtime } from '../experiment/runtime';
import { firstStarted, slotPorts } from '../experiment/schedule';
import { driveSequential } from '../loadgen/count-mode';
import { runRound } from '../loadgen/loadgen';
import { roundFromSamples } from '../samples/round-data';
import { ARMS, type Arm, type PlacementReport, type RoundData, type Sample } from '../types';
import { SutProcess, type SutProcessOptions } from './local-process';
import { allowedCpus, helperCpus, hostPlan, pinBinary, pinnedCommand, pinProcess, pinThread, probePoints, RoundObserver, threadCount, type PlacementPlan } from './placement';

export interface LocalRuntimeOptions {
  /** argv of the SUT; `{port}` is replaced by the instance's port, which is also in $PORT. */
  command: string[];
}

export class LocalRuntime implements Runtime {
  readonly name = 'local';
  private live = new Set<SutProcess>();
  private readonly onExit = () => this.killAll();
  /** The round being measured and its samples so far (for salvage on Ctrl-C). */
  private inProgress?: { index: number; samples: Sample[] };
  private readonly allowed = allowedCpus();
  private readonly plan: PlacementPlan;
  private readonly report: PlacementReport;
  /** Set once this process (the load generator) is pinned, so teardown can restore its affinity. */
  private pinnedSelf = false;
  private pinnedThreads = 0;

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
    const observer = new RoundObserver(index, first, () => ({ baseline: [baseline.pid], candidate: [candidate.pid], loadgen: process.pid }));
    const probes = probePoints(this.config.requestsPerRound);
    try {
      await Promise.all([baseline.waitReady(sut.readyPath, sut.readyTimeoutMs), candidate.waitReady(sut.readyPath, sut.readyTimeoutMs)]);
      if (this.config.hook) candidate.assertMapped(this.config.hook);
      if (this.config.baselineHook) baseline.assertMapped(this.config.baselineHook);
      const current = { index, samples: [] as Sample[] };
      this.inProgress = current;
      const result = await runRound({
        round: index,
        seed: this.config.seed,
        targets: { baseline: { host: '127.0.0.1', port: portB }, candidate: { host: '127.0.0.1', port: portC } },
        warmupPerArm: this.config.warmupRequests,
        pairs: this.config.requestsPerRound / 2,
        connection: this.config.connection,
        requests: this.config.requests,
        timeoutMs: this.config.timeoutMs,
        // Between two requests (never inside a timed one): where both arms last ran.
        onSample: (s) => {
          current.samples.push(s);
          if (probes.has(s.seq)) observer.sample();
        },
      });
      this.report.rounds.push(observer.result());
      const data = roundFromSamples(index, result.samples);
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
      await Promise.all([baseline.stop(), candidate.stop()]);
      this.live.delete(baseline);
      this.live.delete(candidate);
    }
  }

  salvage(): RoundData | null {
    const current = this.inProgress;
    this.inProgress = undefined;
    this.killAll();
    return current && current.samples.length > 0 ? roundFromSamples(current.index, current.samples) : null;
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

  /** The gate's request mix and connection mode, one request at a time. */
  private async drive(port: number, requests: number): Promise<number> {
    const { connection, seed, timeoutMs } = this.config;
    const target = { host: '127.0.0.1', port };
    await driveSequential({ target, connection, requests: this.config.requests, seed, round: 0, timeoutMs }, requests).catch((err: Error) => {
      throw new RunError(`counting calls per request: ${err.message}`);
    });
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
   * The load generator runs in this process's main thread, pinned to the loadgen CPU; its other
   * threads go to the CPUs the plan leaves free (all to the loadgen CPU when there are none).
   * Threads started since the last round (libuv's pool starts on first use) inherit the main
   * thread's CPU, so the split is redone whenever the thread count changed.
   */
  private pinSelf(): void {
    if (this.plan.loadgen === null) return;
    const threads = threadCount(process.pid);
    if (this.pinnedSelf && threads === this.pinnedThreads) return;
    const helpers = helperCpus(this.plan, this.allowed);
    pinProcess(pinBinary(), helpers ?? this.plan.loadgen, process.pid);
    if (helpers !== null) pinThread(pinBinary(), this.plan.loadgen, process.pid);
    this.pinnedSelf = true;
    this.pinnedThreads = threads;
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
