// A cancel that lands after a round's rows are all in but before the runtime let go of the round
// (its checks: the hook proof, cgroup reads) salvages that round, and the runtime then still returns
// it. samples.csv must hold it once: readSamples refuses a file with a round repeated.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config';
import { runGate, salvageRoundInProgress } from '../../src/engine';
import type { Runtime } from '../../src/runtime/contract';
import { readSamples } from '../../src/samples/read';
import type { RoundData } from '../../src/types';
import { replayFile, tempDir } from '../helpers';

let rounds: RoundData[] = [];
beforeAll(async () => {
  rounds = await readSamples(await replayFile('kindWithout', { seed: 3 }, 10));
});

describe('a round salvaged during its checks', () => {
  it('is written once, and the file reads back', async () => {
    let inChecks: number | undefined;
    const runtime: Runtime = {
      name: 'checks-then-cancel',
      runRound: async (i: number) => {
        if (i === 3) {
          inChecks = i; // the rows are in; the checks run; the cancel arrives now
          salvageRoundInProgress();
          inChecks = undefined;
        }
        return { data: rounds[i] };
      },
      salvage: () => (inChecks === undefined ? null : rounds[inChecks]),
      teardown: async () => {},
    };
    const out = tempDir('salvage-once');
    const config = buildConfig({ runtime: 'kind', out, 'min-rounds': 6, 'look-every': 6, 'max-requests': String(6 * rounds[0].arm.length) });
    await runGate(runtime, config);
    const written = await readSamples(join(out, 'samples.csv'));
    expect(written.map((r) => r.round)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(written[3].arm.length).toBe(rounds[3].arm.length);
  });
});
