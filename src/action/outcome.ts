// What one Action run ended with, and the Markdown the job summary and the PR comment share.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verdictMarkdown } from '../report/markdown';
import type { Verdict } from '../types';

export type Outcome =
  | { kind: 'verdict'; verdict: Verdict; out?: string }
  | { kind: 'error'; message: string; out?: string; samples: number; rounds: number };

export interface Links {
  run?: string;
  artifact?: string;
  artifactName?: string;
}

/** The samples a failed run left in OUT/samples.csv (rows and distinct rounds). */
export function partialSamples(out: string | undefined): { samples: number; rounds: number } {
  const file = out ? join(out, 'samples.csv') : '';
  if (!file || !existsSync(file)) return { samples: 0, rounds: 0 };
  const lines = readFileSync(file, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
  return { samples: lines.length, rounds: new Set(lines.map((l) => l.slice(0, l.indexOf(',')))).size };
}

export function outcomeMarkdown(o: Outcome, links: Links): string {
  const body =
    o.kind === 'verdict'
      ? verdictBody(o.verdict, o.out)
      : [
          '### ⛔ hook latency: **the run failed**',
          '',
          `${oneLine(o.message)}`,
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
  const file = out ? join(out, 'summary.md') : '';
  return file && existsSync(file) ? readFileSync(file, 'utf8') : verdictMarkdown(v);
}

function footer(l: Links): string {
  const parts: string[] = [];
  if (l.run) parts.push(`[workflow run](${l.run})`);
  if (l.artifact) parts.push(`[samples and report (${l.artifactName ?? 'artifact'})](${l.artifact})`);
  else if (l.artifactName && l.run) parts.push(`samples and report: artifact \`${l.artifactName}\` of the run`);
  return parts.length > 0 ? `\n${parts.join(' · ')}\n` : '';
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}
