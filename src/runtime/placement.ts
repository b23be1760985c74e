// CPU placement of the experiment: which CPUs the load generator and the two SUT arms are pinned to,
// how the pin is applied (the static hook/build/pin wrapper), and where each arm was seen running.
//
// Why: with one request in flight, a request's round trip is a chain of wake-ups (loadgen -> SUT ->
// loadgen). Unpinned, each fresh SUT instance lands on the loadgen's CPU (a cheap same-CPU switch)
// or on another one (a cross-CPU wake-up, 2-3x slower on a VM), so a round's two arms can differ by
// more than any hook costs, and which way depends on whatever else runs on the runner. Pinning all
// three to one CPU gives both arms the identical path (docs/method.md, "Placement").
//
// Why a static wrapper and not taskset: the SUT inherits LD_PRELOAD, so a dynamic taskset would load
// the hook into itself first; a static binary ignores LD_PRELOAD, and it runs in any container
// image (taskset is missing from node:alpine and most SUT images), without privileges.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunError } from '../errors';
import { packageRoot } from '../native';
import type { Arm, PlacementChoice, PlacementMode, RoundPlacement } from '../types';

/** CPUs for the pin wrapper: an explicit list, or "@N" relative to the allowed set (in a pod). */
export interface PlacementPlan {
  requested: PlacementChoice;
  mode: PlacementMode;
  loadgen: string | null;
  sut: string | null;
}

/**
 * `auto` is `same-cpu`: measured on 2-vCPU VMs (docs/method.md), one CPU for all three gave the
 * tightest A/A and the most stable 500 ns detection, busy or not; it needs no second free CPU.
 */
export function resolveMode(choice: PlacementChoice, allowedCount: number): PlacementMode {
  if (choice === 'auto') return 'same-cpu';
  if (choice === 'split' && allowedCount < 2) return 'same-cpu';
  return choice;
}

/**
 * The CPUs on a host whose allowed set is known. The last allowed CPUs are used: CPU 0 is where
 * most devices' interrupts and housekeeping land on a typical runner.
 */
export function hostPlan(choice: PlacementChoice, allowed: number[]): PlacementPlan {
  const mode = resolveMode(choice, allowed.length);
  if (mode === 'off' || allowed.length === 0) return { requested: choice, mode: 'off', loadgen: null, sut: null };
  const last = String(allowed[allowed.length - 1]);
  const sut = mode === 'split' ? String(allowed[allowed.length - 2]) : last;
  return { requested: choice, mode, loadgen: last, sut };
}

/** The CPUs inside a pod, relative to each container's allowed set (the same set for all three). */
export function podPlacementPlan(choice: PlacementChoice): PlacementPlan {
  const mode = resolveMode(choice, 2);
  if (mode === 'off') return { requested: choice, mode, loadgen: null, sut: null };
  return { requested: choice, mode, loadgen: '@-1', sut: mode === 'split' ? '@-2' : '@-1' };
}

/** "0-2,5" -> [0, 1, 2, 5] */
export function parseCpuList(s: string): number[] {
  const out: number[] = [];
  for (const part of s.trim().split(',').filter(Boolean)) {
    const [lo, hi = lo] = part.split('-').map((x) => Number.parseInt(x, 10));
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) throw new RangeError(`bad CPU list '${s}'`);
    for (let c = lo; c <= hi; c++) out.push(c);
  }
  return out;
}

/** The CPUs this process may run on (its affinity, already narrowed by any cgroup cpuset); [] if unknown. */
export function allowedCpus(status = readProcStatus()): number[] {
  const line = /^Cpus_allowed_list:\s*(.+)$/m.exec(status);
  return line ? parseCpuList(line[1]) : [];
}

function readProcStatus(): string {
  try {
    return readFileSync('/proc/self/status', 'utf8');
  } catch {
    return ''; // no /proc: nothing can be pinned, and the placement check says so
  }
}

/** Field 39 (`processor`) of /proc/PID/task/TID/stat: the CPU the thread last ran on. */
export function processorOf(stat: string): number {
  // The command name (field 2) may hold spaces and parentheses; fields 3.. follow the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number.parseInt(fields[39 - 3], 10);
}

/** The distinct CPUs the threads of PID last ran on (sorted); empty if the process is gone. */
export function threadCpus(pid: number, mainThreadOnly = false): number[] {
  const tids = mainThreadOnly ? [String(pid)] : safeReaddir(`/proc/${pid}/task`);
  const cpus = new Set<number>();
  for (const tid of tids) {
    try {
      const cpu = processorOf(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
      if (Number.isInteger(cpu)) cpus.add(cpu);
    } catch {
      // the thread exited between listing and reading
    }
  }
  return [...cpus].sort((a, b) => a - b);
}

/** Threads of PID right now (0 if unknown). */
export function threadCount(pid: number): number {
  return safeReaddir(`/proc/${pid}/task`).length;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Accumulates the samples of one round (cheap: a few /proc reads, taken between requests). */
export class RoundObserver {
  private samples = 0;
  private differing = 0;
  private readonly seen = { baseline: new Set<number>(), candidate: new Set<number>(), loadgen: new Set<number>() };

  constructor(
    private readonly round: number,
    private readonly first: Arm,
    private readonly pids: () => { baseline: number[]; candidate: number[]; loadgen?: number },
  ) {}

  sample(): void {
    const pids = this.pids();
    const b = pids.baseline.flatMap((p) => threadCpus(p));
    const c = pids.candidate.flatMap((p) => threadCpus(p));
    if (b.length === 0 || c.length === 0) return;
    this.samples++;
    if (!sameSet(b, c)) this.differing++;
    for (const x of b) this.seen.baseline.add(x);
    for (const x of c) this.seen.candidate.add(x);
    if (pids.loadgen !== undefined) for (const x of threadCpus(pids.loadgen, true)) this.seen.loadgen.add(x);
  }

  result(): RoundPlacement {
    const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
    return {
      round: this.round,
      first: this.first,
      samples: this.samples,
      differing: this.differing,
      cpus: { baseline: sorted(this.seen.baseline), candidate: sorted(this.seen.candidate), loadgen: sorted(this.seen.loadgen) },
    };
  }
}

function sameSet(a: number[], b: number[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

/** Sequence numbers (within a round of `requests`) after which the observer samples: 4 per round. */
export function probePoints(requests: number): Set<number> {
  return new Set([1, 2, 3, 4].map((k) => Math.max(0, Math.floor((k * requests) / 5) - 1)));
}

/** hook/build/pin (built by make -C hook on first use). */
export function pinBinary(root = packageRoot()): string {
  return join(root, 'hook', 'build', 'pin');
}

/** Sets the affinity of every thread of PID (used for this process: the in-process load generator). */
export function pinProcess(pin: string, cpus: string, pid: number): void {
  try {
    execFileSync(pin, [cpus, '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const said = String((err as { stderr?: Buffer }).stderr ?? '').trim();
    throw new RunError(`cannot pin the load generator to CPU ${cpus}: ${said || (err as Error).message}`);
  }
}

/** Sets the affinity of the one thread TID (a process's main thread has TID = PID). */
export function pinThread(pin: string, cpus: string, tid: number): void {
  try {
    execFileSync(pin, [cpus, '-t', String(tid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const said = String((err as { stderr?: Buffer }).stderr ?? '').trim();
    throw new RunError(`cannot pin the load generator's thread ${tid} to CPU ${cpus}: ${said || (err as Error).message}`);
  }
}

/**
 * Where the orchestrating process goes (its event loop, V8's garbage-collector and compiler workers,
 * libuv's pool, the placement observer's /proc reads): the allowed CPUs the plan leaves free, or
 * null when it leaves none. On the measured CPU its threads stalled about 1.7 % of requests by
 * 0.4-26 ms when the load generator still ran inside it (docs/method.md, "The load generator's own
 * threads").
 */
export function helperCpus(plan: PlacementPlan, allowed: number[]): string | null {
  if (plan.mode === 'off') return null;
  const used = new Set([plan.loadgen, plan.sut]);
  const free = allowed.filter((c) => !used.has(String(c)));
  return free.length ? free.join(',') : null;
}

/** argv prefixed with the pin wrapper, or unchanged when nothing is pinned. */
export function pinnedCommand(pin: string, cpus: string | null, argv: string[]): string[] {
  return cpus === null ? argv : [pin, cpus, '--', ...argv];
}
