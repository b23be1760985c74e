// What one Action run ended with, and the Markdown the job summary and the PR comment share.
import { existsSync, readFileSync } from 'node:fs';
import { outputFiles } from '../engine';
import { verdictMarkdown } from '../report/markdown';
import { readSamples } from '../samples/read';
import { requestCount } from '../samples/round-data';
import type { Verdict } from '../types';
import { fenced } from '../github/untrusted-text';

export type Outcome =
  | { kind: 'verdict'; verdict: Verdict; out?: string }
  | { kind: 'error'; message: string; out?: string; samples: number; rounds: number };

export interface Links {
  run?: string;
  artifact?: string;
  artifactName?: string;
}

/** The samples a failed run left in OUT/samples.csv (rows and rounds); none when there is no readable file. */
export async function partialSamples(out: string | undefined): Promise<{ samples: number; rounds: number }> {
  const file = out ? outputFiles(out).samples : '';
  if (!file || !existsSync(file)) return { samples: 0, rounds: 0 };
  try {
    const rounds = await readSamples(file);
    return { samples: requestCount(rounds), rounds: rounds.length };
  } catch {
    return { samples: 0, rounds: 0 };
  }
}

export function outcomeMarkdown(o: Outcome, links: Links): string {
  const body =
    o.kind === 'verdict'
      ? verdictBody(o.verdict, o.out)
      : [
          '### ⛔ hook latency: **the run failed**',
          '',
          fenced(o.message),
          '',
          o.samples > 0
            ? `${o.samples} samples from ${o.rounds} rounds were recorded before the failure; no verdict was reached.`
            : 'No samples were recorded; no verdict was reached.',
          '',
        ].join('\n');
  return `${body}${footer(links)}`;
}

/** summary.md of the run (verdict table plus the per-round chart) when written, else the table. */
function verdictBody(v: Verdict, out: string | undefined): string {
  const file = out ? outputFiles(out).summary : '';
  return file && existsSync(file) ? readFileSync(file, 'utf8') : verdictMarkdown(v);
}

function footer(l: Links): string {
  const parts: string[] = [];
  if (l.run) parts.push(`[workflow run](${l.run})`);
  if (l.artifact) parts.push(`[samples and report (${l.artifactName ?? 'artifact'})](${l.artifact})`);
  else if (l.artifactName && l.run) parts.push(`samples and report: artifact \`${l.artifactName}\` of the run`);
  return parts.length > 0 ? `\n${parts.join(' · ')}\n` : '';
}
