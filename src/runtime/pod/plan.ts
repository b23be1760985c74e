// Config -> the PodPlan of one round (shared by the podman and kubernetes runtimes), and the assets
// every pod carries: the hook .so files, the native load generator and the pin wrapper.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Config } from '../../config';
import { UsageError } from '../../errors';
import type { LoadgenConfig } from '../../loadgen/config';
import { loadgenBinary } from '../../loadgen/native';
import { dnsLabel, type HookAsset, type PodPlan } from './manifest';
import { podResources } from './resources';
import { firstStarted, slotPorts } from '../../experiment/schedule';
import { pinBinary } from '../placement';

export interface PodAssets {
  hook?: HookAsset;
  baselineHook?: HookAsset;
  /** The static load generator (hook/build/loadgen, or its cross build) and where it is on this host. */
  loadgen: { binary: Uint8Array; path: string };
  /** The static pin wrapper (hook/build/pin), unless placement is off. */
  pin: Uint8Array | null;
}

export function newRunId(): string {
  return randomBytes(4).toString('hex');
}

function readHook(path: string | undefined, what: string): HookAsset | undefined {
  if (!path) return undefined;
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    throw new UsageError(`${what} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  // ConfigMap keys: [-._a-zA-Z0-9]+
  const fileName = basename(path).replace(/[^-._a-zA-Z0-9]/g, '_');
  return { fileName, data };
}

/**
 * PIN, LOADGEN: the wrapper and the load generator built for the nodes' architecture (this
 * machine's unless the runtime says otherwise; built by make -C hook).
 */
export function loadPodAssets(config: Config, pin = pinBinary(), loadgen = loadgenBinary()): PodAssets {
  return {
    hook: readHook(config.hook, 'hook'),
    baselineHook: readHook(config.baselineHook, 'baseline-hook'),
    loadgen: { binary: readFileSync(loadgen), path: loadgen },
    pin: config.placement === 'off' ? null : readFileSync(pin),
  };
}

/** The round's two SUT ports, sut.port (default 8080) and the next, taken by the arms in slot order. */
function sutPorts(config: Config, round: number): { baseline: number; candidate: number } {
  const low = config.sut.port > 0 ? config.sut.port : 8080; // at most 65534 (config.ts)
  return slotPorts(firstStarted(config.seed, round), low, low + 1);
}

/** Rows the loadgen writes for one round (warm-up excluded). */
export function expectedRows(config: Config): number {
  return 2 * Math.floor(config.requestsPerRound / 2);
}

function loadgenConfig(config: Config, round: number): LoadgenConfig {
  const ports = sutPorts(config, round);
  return {
    rounds: 1,
    round,
    seed: config.seed,
    targets: { baseline: { host: '127.0.0.1', port: ports.baseline }, candidate: { host: '127.0.0.1', port: ports.candidate } },
    warmupPerArm: config.warmupRequests,
    pairs: Math.floor(config.requestsPerRound / 2),
    connection: config.connection,
    concurrency: config.concurrency,
    requests: config.requests.map((r) => ({
      method: r.method,
      path: r.path,
      weight: r.weight,
      ...(r.headers ? { headers: r.headers } : {}),
      ...(r.body !== undefined ? { body: r.body } : {}),
    })),
    timeoutMs: config.timeoutMs,
    waitReadyMs: config.sut.readyTimeoutMs,
    readyPath: config.sut.readyPath,
  };
}

export interface PlanImages {
  sutImage: string;
  sutCommand: string[];
  pullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
}

/** `autoCpu`: the millicores `cpu: auto` stands for (the runtime measured the node). */
export function podPlan(config: Config, runId: string, round: number, assets: PodAssets, images: PlanImages, namespace?: string, autoCpu?: number): PodPlan {
  return {
    runId: dnsLabel(runId),
    round,
    namespace,
    sut: {
      image: images.sutImage,
      command: images.sutCommand,
      env: config.sut.env,
      ports: sutPorts(config, round),
      imagePullPolicy: images.pullPolicy,
    },
    hook: assets.hook,
    baselineHook: assets.baselineHook,
    loadgen: { binary: assets.loadgen.binary, config: loadgenConfig(config, round) },
    resources: podResources(config.pod, autoCpu),
  };
}
