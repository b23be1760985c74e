// The one place that maps a runtime name to its implementation (used by the entry points only).
// Backends are imported lazily: a replay or analysis never loads the cluster tooling.
import { statSync } from 'node:fs';
import type { Config } from '../config';
import { UsageError } from '../errors';
import { NO_LEDGER, type ResourceLedger, type Runtime } from './contract';
import { checkSharedLibrary, ensureBuilt, EXAMPLE_SUT } from '../native';
import { clusterPinArch } from './pod/pin-arch';
import { pinBinary } from './placement';
import { ReplayRuntime } from './replay';
import { readSamples } from '../samples/read';

/**
 * The hooks (and any bundled binary in `alsoBuild`) are built on first use, then checked to be
 * shared libraries, so a bad path is one clear line before anything starts.
 */
async function prepareHooks(config: Config, alsoBuild: string[] = []): Promise<void> {
  const hooks = [config.hook, config.baselineHook].filter((h): h is string => !!h);
  const pin = config.placement === 'off' ? [] : [pinBinary()];
  await ensureBuilt([...hooks, ...pin, ...alsoBuild]);
  if (['podman', 'kind', 'kubernetes'].includes(config.runtime)) {
    if (config.hook) checkPodHookSize(config.hook, 'hook');
    if (config.baselineHook) checkPodHookSize(config.baselineHook, 'baseline-hook');
  }
  if (config.hook) checkSharedLibrary(config.hook, 'hook');
  if (config.baselineHook) checkSharedLibrary(config.baselineHook, 'baseline-hook');
}

/**
 * Largest hook sent to a pod. It travels in ConfigMaps of 768 KiB (pod/manifest.ts), each an object the
 * API server keeps in etcd (whose default request limit is 1.5 MiB an object, and whose whole store
 * defaults to 2 GiB): 32 MiB is 43 ConfigMaps, far above any real hook (ours: 20-60 KiB).
 */
export const MAX_POD_HOOK_BYTES = 32 << 20;

function checkPodHookSize(path: string, what: string): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return; // checkSharedLibrary names why it cannot be read
  }
  if (size > MAX_POD_HOOK_BYTES) {
    throw new UsageError(`${what} ${path} is ${(size / 2 ** 20).toFixed(1)} MiB; a pod takes hooks of at most ${MAX_POD_HOOK_BYTES / 2 ** 20} MiB (they travel in ConfigMaps)`);
  }
}

/** A SUT run from this host's binary: the configured command, or the bundled example SUT. */
async function prepareHostSut(config: Config): Promise<string[]> {
  const command = config.sut.command.length > 0 ? config.sut.command : [EXAMPLE_SUT()];
  await prepareHooks(config, [command[0]]);
  return command;
}

/** LEDGER is told what the runtime creates outside this process (pods, namespaces, a kind cluster). */
export async function createRuntime(config: Config, ledger: ResourceLedger = NO_LEDGER): Promise<Runtime> {
  if (config.pod.loadgenImage && config.runtime !== 'local' && config.runtime !== 'replay') {
    process.stderr.write(`hook-latency: warning: loadgen-image (${config.pod.loadgenImage}) is no longer used: the load generator runs in the SUT's image\n`);
  }
  switch (config.runtime) {
    case 'replay':
      return new ReplayRuntime(await readSamples(config.replay as string));
    case 'local': {
      const { LocalRuntime } = await import('./local/local');
      return new LocalRuntime(config, { command: await prepareHostSut(config) });
    }
    case 'podman': {
      // The example SUT (or any host binary) becomes a local image; a configured image runs as is.
      const { PodmanRuntime, importsSutBinary } = await import('./podman');
      const command = importsSutBinary(config.sut) ? await prepareHostSut(config) : (await prepareHooks(config), config.sut.command);
      return new PodmanRuntime({ ...config, sut: { ...config.sut, command } }, { ledger });
    }
    case 'kubernetes': {
      await prepareHooks(config);
      const pinArch = await clusterPinArch(config);
      const { KubernetesRuntime } = await import('./kubernetes/kubernetes');
      return new KubernetesRuntime(config, { ledger, pinArch });
    }
    case 'kind': {
      await prepareHooks(config);
      const { KindRuntime } = await import('./kind');
      return new KindRuntime(config, { ledger });
    }
  }
}
