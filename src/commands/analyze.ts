// `hook-latency analyze FILE`: one look at all rounds of a recording, the whole alpha spent at once.
import { buildConfig, mergeConfig } from '../config';
import { runGate } from '../engine';
import { ReplayRuntime } from '../runtime/replay';
import { readSamples } from '../samples/read';
import { configLayers, type CliFlags } from './flags';
import { exitCodeFor } from './exit';
import { printVerdict } from './run';

export async function analyzeCommand(file: string, flags: CliFlags): Promise<number> {
  const layers = configLayers(flags);
  const rounds = await readSamples(file);
  // One look: the first look already sees the end of the file, so it is final and spends all alpha.
  const config = buildConfig(
    mergeConfig(...layers, { runtime: 'replay', replay: file, 'look-every': rounds.length + 1, 'min-rounds': 1, 'max-requests': Number.MAX_SAFE_INTEGER }),
  );
  const verdict = await runGate(new ReplayRuntime(rounds), config);
  printVerdict(verdict, flags.json === true);
  return exitCodeFor(verdict, config.failOn);
}
