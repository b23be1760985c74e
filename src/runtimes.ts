// The one place that maps a runtime name to its implementation (used by the entry points only).
import type { Config } from './config';
import { UsageError } from './errors';
import type { Runtime } from './experiment/runtime';
import { ReplayRuntime } from './runtime/replay';
import { readSamples } from './samples/read';

export async function createRuntime(config: Config): Promise<Runtime> {
  switch (config.runtime) {
    case 'replay':
      return new ReplayRuntime(await readSamples(config.replay as string));
    default:
      throw new UsageError(`runtime '${config.runtime}' is not available in this build`);
  }
}
