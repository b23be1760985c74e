// `npm run bench`: how long the HTML report takes to render for a large recording, and how big it is.
// The verdict is computed first (one look, as `analyze`) and is not part of the timing.
import { oneLookVerdict } from '../src/engine';
import { Prng } from '../src/experiment/prng';
import type { RoundData } from '../src/types';
import { renderReport } from '../src/report/html/render';

const PER_ROUND = 4000;

/** A recording of `samples` requests: rounds of 4000, log-normal latency with AR(1) noise, +3 % candidate. */
function syntheticRecording(samples: number, seed = 1): RoundData[] {
  const rng = new Prng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rng.nextFloat(), 1e-300))) * Math.cos(2 * Math.PI * rng.nextFloat());
  const rounds: RoundData[] = [];
  for (let r = 0, left = samples; left > 0; r++, left -= PER_ROUND) {
    const n = Math.min(PER_ROUND, left);
    const arm = new Uint8Array(n);
    const latencyNs = new Float64Array(n);
    let ar = 0;
    for (let i = 0; i < n; i += 2) {
      const first = rng.nextFloat() < 0.5 ? 1 : 0;
      arm[i] = first;
      if (i + 1 < n) arm[i + 1] = 1 - first;
    }
    for (let i = 0; i < n; i++) {
      ar = 0.3 * ar + 0.2 * gauss();
      const tail = rng.nextFloat() < 0.005 ? 5 : 1;
      latencyNs[i] = Math.max(1, Math.round(300_000 * Math.exp(ar) * tail * (arm[i] === 1 ? 1.03 : 1)));
    }
    rounds.push({ round: r, arm, seq: Float64Array.from(arm, (_, i) => i), latencyNs, startNs: null, status: null });
  }
  return rounds;
}

export async function benchReport(samples: number): Promise<{ renderMs: number; bytes: number }> {
  const rounds = syntheticRecording(samples);
  // One look over everything, exactly as `analyze` does.
  const verdict = await oneLookVerdict(rounds);
  const t0 = performance.now();
  const html = renderReport({ rounds, verdict });
  const renderMs = performance.now() - t0;
  return { renderMs, bytes: Buffer.byteLength(html) };
}
