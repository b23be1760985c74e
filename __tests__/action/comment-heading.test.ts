// The comment job (mode: comment) takes summary.md only when its heading is the gate's own: every
// outcome the Markdown report writes must pass that check, passes included.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oneLookVerdict } from '../../src/engine';
import { readArtifactComment } from '../../src/github/comment-request';
import { verdictMarkdown } from '../../src/report/markdown';
import { buildReplay } from '../../src/study/replay-builder';
import { outcomeOf } from '../../src/experiment/outcome';
import { tempDir } from '../helpers';

/** 20 rounds of a synthetic trace (lognormal-ish around 30 µs) with a relative effect on the candidate. */
function rounds(effect: number) {
  const trace = Float64Array.from({ length: 20 * 400 + 10 }, (_, i) => 30_000 * (1 + 0.1 * Math.sin(i * 12.9898) ** 2));
  return buildReplay(trace, { start: 0, requestsPerRound: 400, seed: 5, effect, instanceSd: 0 });
}

async function artifact(effect: number, threshold: string) {
  const v = await oneLookVerdict(rounds(effect), [{ threshold, tail: 'off' }]);
  const dir = tempDir('comment-heading');
  writeFileSync(join(dir, 'verdict.json'), JSON.stringify(v));
  writeFileSync(join(dir, 'summary.md'), verdictMarkdown(v));
  writeFileSync(join(dir, 'comment.json'), JSON.stringify({ pr: 7, head_sha: 'a'.repeat(40), key: 'latency', comment: 'always' }));
  return { v, dir };
}

describe('the comment job accepts every heading the report writes', () => {
  it.each([
    ['within-budget', 0, '5%'],
    ['no-regression', 0, '0'],
    ['regression', 0.2, '0'],
  ])('%s', async (outcome, effect, threshold) => {
    const { v, dir } = await artifact(effect as number, threshold as string);
    expect(outcomeOf(v)).toBe(outcome);
    expect(readArtifactComment(dir).verdict).toBe(v.verdict);
  });
});
