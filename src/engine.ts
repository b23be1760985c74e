// The engine shared by the CLI and the Action: drive a runtime through the sequential controller,
// write every round to samples.csv as it arrives, and the verdict beside it. Nothing measured is lost:
// on a failure the samples so far are flushed before the error propagates, and on Ctrl-C (process
// exit) the rows of the round in progress are salvaged from the runtime and written.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { buildConfig, mergeConfig, type Config, type RawConfig } from './config';
import { messageOf, RoundFailedError } from './errors';
import { runSequential } from './experiment/controller';
import type { Runtime } from './runtime/contract';
import { placementCheck } from './checks';
import { ReplayRuntime } from './runtime/replay';
import { reportMarkdownExtras, writeReport } from './report/html';
import { verdictMarkdown } from './report/markdown';
import { formatThreshold } from './units';
import { SamplesWriter } from './samples/write';
import { impliedPerCall } from './calls/per-call';
import { costReport } from './cost/measure';
import type { CallsReport, LookRecord, RoundData, Verdict } from './types';
import type { HistoryRecord } from './history/record';

export interface GateHooks {
  onLook?: (look: LookRecord) => void;
  onRound?: (data: RoundData) => void;
  /** The gate's history, read before the run: report.html draws it as a trend ending with this run. */
  history?: HistoryRecord[];
}

export interface OutputFiles {
  samples: string;
  verdict: string;
  summary: string;
}

export function outputFiles(dir: string): OutputFiles {
  return { samples: join(dir, 'samples.csv'), verdict: join(dir, 'verdict.json'), summary: join(dir, 'summary.md') };
}

/** What the report shows of the run's setting (the HTML escapes every value). */
function environmentOf(config: Config): Record<string, string> {
  return {
    runtime: config.runtime,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    hook: config.hook ?? '(none)',
    'baseline-hook': config.baselineHook ?? '(none)',
    sut: config.sut.image ?? config.sut.command.join(' '),
    connection: config.connection,
    concurrency: String(config.concurrency),
    'requests-per-round': String(config.requestsPerRound),
    'warmup-requests': String(config.warmupRequests),
    threshold: formatThreshold(config.threshold),
    tail: config.tail ? `${config.tail}, budget ${formatThreshold(config.tailThreshold)}` : 'off',
    alpha: String(config.alpha),
    power: String(config.power),
    mde: formatThreshold(config.mde),
    seed: String(config.seed),
  };
}

let inProgressSalvage: (() => void) | undefined;

/** Writes the rows of the round in progress (if a gate is running) and takes its pod down; once. */
export function salvageRoundInProgress(): void {
  inProgressSalvage?.();
}

export async function runGate(runtime: Runtime, config: Config, hooks: GateHooks = {}): Promise<Verdict> {
  const out = config.out;
  const files = out ? outputFiles(out) : null;
  if (out) mkdirSync(out, { recursive: true });
  const writer = files ? new SamplesWriter(files.samples) : null;
  const recorded: RoundData[] = [];
  // A round is written once: a cancel that lands after a round ended but before the runtime let go
  // of it (its checks) would otherwise append it again, and readSamples refuses a repeated round.
  const written = new Set<number>();
  const write = (data: RoundData) => {
    if (written.has(data.round)) return;
    written.add(data.round);
    writer?.append(data);
  };
  // Ctrl-C exits through process.exit: the round in progress is written before the process goes
  // (the CLI's signal handler calls salvageRoundInProgress first, before it removes what the run created).
  const salvage = () => {
    inProgressSalvage = undefined;
    process.off('exit', salvage);
    const partial = runtime.salvage?.() ?? null;
    if (partial) write(partial);
  };
  inProgressSalvage = salvage;
  process.on('exit', salvage);
  try {
    const result = await runSequential(runtime, {
      threshold: config.threshold,
      mde: config.mde,
      alpha: config.alpha,
      power: config.power,
      maxRequests: config.maxRequests,
      maxDurationMs: config.maxDurationMs,
      lookEvery: config.lookEvery,
      minRounds: config.minRounds,
      tail: config.tail ? { level: config.tail, threshold: config.tailThreshold } : null,
      onRound: (data) => {
        hooks.onRound?.(data);
        if (writer) {
          recorded.push(data);
          write(data);
        }
      },
      onLook: hooks.onLook,
    });
    const verdict: Verdict = { ...result, mode: 'macro', runtime: runtime.name };
    const placement = runtime.placement?.();
    if (placement) {
      verdict.placement = placement;
      verdict.checks.push(placementCheck(placement));
    }
    if (config.countCalls) verdict.calls = await callsReport(runtime, verdict);
    if (config.decompose && verdict.calls) verdict.cost = await costReport(verdict.calls, verdict, config);
    if (files && out) {
      writeFileSync(files.verdict, `${JSON.stringify(verdict, null, 2)}\n`);
      writeFileSync(files.summary, verdictMarkdown(verdict) + reportMarkdownExtras(recorded, verdict));
      writeReport(out, recorded, verdict, environmentOf(config), hooks.history);
    }
    return verdict;
  } catch (err) {
    if (err instanceof RoundFailedError && err.partial) write(err.partial);
    throw err;
  } finally {
    process.off('exit', salvage);
    inProgressSalvage = undefined;
    writer?.close();
    await runtime.teardown();
  }
}

/** Recommendation 7: how often the SUT calls the hooked functions, and the per-call cost implied. */
async function callsReport(runtime: Runtime, verdict: Verdict): Promise<CallsReport> {
  if (!runtime.countCalls) return { unavailable: `the ${runtime.name} runtime does not count calls per request` };
  // The verdict is reached before counting starts: a counting instance that fails (a static SUT,
  // a counting pod that dies) leaves it standing, with the cost reported as unavailable.
  const counted = await runtime.countCalls().catch((err: unknown) => ({ unavailable: `counting calls per request failed: ${messageOf(err).split('\n')[0]}` }));
  if ('unavailable' in counted) return counted;
  return { ...counted, impliedPerCallNs: impliedPerCall(verdict.shift.ns, counted.perRequest).byFunction };
}

/**
 * The config of a one-look analysis: the first look already sees the end of the recording, so it
 * is final and spends all alpha. `layers` (file, flags) set the budget, alpha and so on.
 */
export function oneLookConfig(roundCount: number, layers: RawConfig[] = [], source = '(recording)'): Config {
  return buildConfig(
    mergeConfig(...layers, {
      runtime: 'replay',
      replay: source,
      'look-every': roundCount + 1,
      'min-rounds': 1,
      'max-requests': Number.MAX_SAFE_INTEGER,
    }),
  );
}

/** The verdict `analyze` gives for these rounds. */
export function oneLookVerdict(rounds: RoundData[], layers: RawConfig[] = []): Promise<Verdict> {
  return runGate(new ReplayRuntime(rounds), oneLookConfig(rounds.length, layers));
}
