// Replays the rounds of a recorded samples file, in order, as if they were measured live:
// the controller cannot tell it from a real runtime.
import type { Runtime, RoundOutcome } from './contract';
import type { RoundData } from '../types';

export class ReplayRuntime implements Runtime {
  readonly name = 'replay';

  constructor(private readonly rounds: RoundData[]) {}

  async runRound(index: number): Promise<RoundOutcome | null> {
    const data = this.rounds[index];
    return data ? { data } : null;
  }

  async teardown(): Promise<void> {}
}
