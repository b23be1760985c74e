// The one place that maps a runtime name to its implementation (used by the entry points only).
// Backends are imported lazily: a replay or analysis never loads the cluster tooling.
import type { Config } from './config';
import { UsageError } from './errors';
import type { Runtime } from './experiment/runtime';
import { checkSharedLibrary, ensureBuilt, EXAMPLE_SUT } from './native';
import { ReplayRuntime } from './runtime/replay';
import { readSamples } from './samples/read';

/** Hooks (and the example SUT) are built on first use, then checked to be shared libraries. */
function prepareNative(config: Config): string[] {
  const command = config.sut.command.length > 0 ? config.sut.command : [EXAMPLE_SUT()];
  const hooks = [config.hook, config.baselineHook].filter((h): h is string => !!h);
  ensureBuilt([...hooks, command[0]]);
  if (config.hook) checkSharedLibrary(config.hook, 'hook');
  if (config.baselineHook) checkSharedLibrary(config.baselineHook, 'baseline-hook');
  return command;
}

/** The hooks a pod runtime ships by ConfigMap: built on first use, checked to be shared libraries. */
function prepareHooks(config: Config): void {
  const hooks = [config.hook, config.baselineHook].filter((h): h is string => !!h);
  ensureBuilt(hooks);
  if (config.hook) checkSharedLibrary(config.hook, 'hook');
  if (config.baselineHook) checkSharedLibrary(config.baselineHook, 'baseline-hook');
}

export async function createRuntime(config: Config): Promise<Runtime> {
  switch (config.runtime) {
    case 'replay':
      return new ReplayRuntime(await readSamples(config.replay as string));
    case 'local': {
      const { LocalRuntime } = await import('./runtime/local');
      return new LocalRuntime(config, { command: prepareNative(config) });
    }
    case 'podman': {
      // The example SUT (or any host binary) becomes a local image; a configured image runs as is.
      const own = !config.sut.image || config.sut.image.startsWith('localhost/hook-latency-sut');
      const command = own ? prepareNative(config) : (prepareHooks(config), config.sut.command);
      const { PodmanRuntime } = await import('./runtime/podman');
      return new PodmanRuntime({ ...config, sut: { ...config.sut, command } });
    }
    case 'kubernetes': {
      prepareHooks(config);
      const { KubernetesRuntime } = await import('./runtime/kubernetes');
      return new KubernetesRuntime(config);
    }
    case 'kind': {
      prepareHooks(config);
      const { KindRuntime } = await import('./runtime/kind');
      return new KindRuntime(config);
    }
    default:
      throw new UsageError(`runtime '${config.runtime}' is not available in this build`);
  }
}
