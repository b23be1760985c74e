// `hook-latency analyze FILE`: one look at all rounds of a recording, the whole alpha spent at once.
import { oneLookConfig, runGate } from '../engine';
import { ReplayRuntime } from '../runtime/replay';
import { readSamples } from '../samples/read';
import { configLayers, type CliFlags } from './flags';
import { exitCodeFor } from './exit';
import { printVerdict } from './run';

export async function analyzeCommand(file: string, flags: CliFlags): Promise<number> {
  const rounds = await readSamples(file);
  const config = oneLookConfig(rounds.length, configLayers(flags), file);
  const verdict = await runGate(new ReplayRuntime(rounds), config);
  printVerdict(verdict, flags.json === true);
  return exitCodeFor(verdict, config.failOn);
}
