// The PR comment of a fork's pull request, in two jobs. The gate job (event `pull_request`, a fork's
// read-only token) cannot comment: it leaves `comment.json` beside summary.md and verdict.json in
// its artifact, naming the PR, its head commit and the comment key. A trusted `workflow_run` job
// (mode: comment) reads that artifact as data and writes the comment. Everything in the artifact
// was written by the pull request's code (a fork can change the gate workflow itself), so here
// every file is bounded, parsed, checked for shape and cross-checked against what GitHub says
// about the triggering run; nothing in it is ever run.
import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { context } from '@actions/github';
import type { CommentMode } from '../action/input-helper';
import { safeCommentKey } from '../action/input-helper';
import { outputFiles } from '../engine';

export const COMMENT_REQUEST_FILE = 'comment.json';
/** Largest summary.md taken (GitHub refuses a comment body over 65 536 characters). */
export const MAX_SUMMARY_CHARS = 60_000;
/** Largest verdict.json and comment.json read. */
const MAX_JSON_BYTES = 1 << 20;
const VERDICTS = ['regression', 'no-regression', 'inconclusive'] as const;
/** The first line of summary.md as src/report/markdown.ts writes it: the outcome, whose icon is its own. */
const HEADING = /^### (🔴 hook latency: \*\*regression|🟢 hook latency: \*\*within-budget|⚪ hook latency: \*\*no-regression|🟡 hook latency: \*\*inconclusive)\*\*$/u;
/** The verdict an outcome belongs to: a pass is within-budget (shown) or no-regression (not shown to exceed). */
const VERDICT_OF: Record<string, (typeof VERDICTS)[number]> = {
  regression: 'regression',
  'within-budget': 'no-regression',
  'no-regression': 'no-regression',
  inconclusive: 'inconclusive',
};
const COMMENT_MODES: readonly CommentMode[] = ['always', 'on-regression', 'never'];

export interface CommentRequestFile {
  pr: number;
  head_sha: string;
  key: string;
  comment: CommentMode;
}

/** Gate job, pull_request event: what the comment job needs, beside the results. */
export function writeCommentRequest(out: string | undefined, key: string, comment: CommentMode): void {
  const pr = context.payload.pull_request as { number?: unknown; head?: { sha?: unknown } } | undefined;
  if (!out || !pr || typeof pr.number !== 'number' || typeof pr.head?.sha !== 'string') return;
  const request: CommentRequestFile = { pr: pr.number, head_sha: pr.head.sha, key, comment };
  writeFileSync(join(out, COMMENT_REQUEST_FILE), `${JSON.stringify(request)}\n`);
}

export interface ArtifactComment {
  request: CommentRequestFile;
  /** summary.md, or undefined when the run reached no verdict. */
  summary?: string;
  verdict?: (typeof VERDICTS)[number];
}

/** Reads and checks an artifact's files in DIR; throws Error (one line) on anything out of shape. */
export function readArtifactComment(dir: string): ArtifactComment {
  const request = parseRequest(readBounded(join(dir, COMMENT_REQUEST_FILE), MAX_JSON_BYTES));
  const files = outputFiles(dir);
  if (!present(files.verdict)) return { request };
  const verdict = parseVerdict(readBounded(files.verdict, MAX_JSON_BYTES));
  const summary = readBounded(files.summary, MAX_SUMMARY_CHARS * 4);
  if (summary.length > MAX_SUMMARY_CHARS) throw new Error(`summary.md has ${summary.length} characters, more than ${MAX_SUMMARY_CHARS}`);
  const heading = HEADING.exec(summary.split('\n')[0] ?? '');
  if (!heading) throw new Error('summary.md does not start with the gate\'s verdict heading');
  const outcome = heading[1]!.slice(heading[1]!.lastIndexOf('*') + 1);
  if (VERDICT_OF[outcome] !== verdict) throw new Error(`summary.md says ${outcome} but verdict.json says ${verdict}`);
  // Another step's marker would let this body take over that step's comment on the next run.
  if (summary.includes('<!-- hook-latency:')) throw new Error('summary.md carries a comment marker');
  return { request, summary, verdict };
}

function present(file: string): boolean {
  return existsSync(file);
}

/** A regular file (not a link out of the download directory) of at most MAX bytes. */
function readBounded(file: string, max: number): string {
  const name = file.slice(file.lastIndexOf('/') + 1);
  if (!existsSync(file)) throw new Error(`${name} is missing`);
  const st = lstatSync(file);
  if (!st.isFile()) throw new Error(`${name} is not a regular file`);
  if (st.size > max) throw new Error(`${name} has ${st.size} bytes, more than ${max}`);
  return readFileSync(file, 'utf8');
}

function parseJson(text: string, name: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(`${name} is not JSON`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${name} is not a JSON object`);
  return v as Record<string, unknown>;
}

function parseRequest(text: string): CommentRequestFile {
  const r = parseJson(text, COMMENT_REQUEST_FILE);
  if (!Number.isSafeInteger(r.pr) || (r.pr as number) < 1) throw new Error(`${COMMENT_REQUEST_FILE}: pr is not a pull request number`);
  if (typeof r.head_sha !== 'string' || !/^[0-9a-f]{40}$/.test(r.head_sha)) throw new Error(`${COMMENT_REQUEST_FILE}: head_sha is not a commit SHA`);
  if (typeof r.key !== 'string' || r.key === '' || safeCommentKey(r.key) !== r.key) throw new Error(`${COMMENT_REQUEST_FILE}: key is not a comment key`);
  if (!COMMENT_MODES.includes(r.comment as CommentMode)) throw new Error(`${COMMENT_REQUEST_FILE}: comment is not one of ${COMMENT_MODES.join(', ')}`);
  return { pr: r.pr as number, head_sha: r.head_sha, key: r.key, comment: r.comment as CommentMode };
}

function parseVerdict(text: string): (typeof VERDICTS)[number] {
  const v = parseJson(text, 'verdict.json');
  if (!VERDICTS.includes(v.verdict as (typeof VERDICTS)[number])) throw new Error('verdict.json: verdict is not regression, no-regression or inconclusive');
  const shift = v.shift as Record<string, unknown> | undefined;
  if (typeof shift !== 'object' || shift === null || typeof shift.relative !== 'number' || typeof shift.ns !== 'number') {
    throw new Error('verdict.json: shift is not a measured shift');
  }
  if (typeof v.reason !== 'string' || typeof v.rounds !== 'number') throw new Error('verdict.json: reason or rounds missing');
  return v.verdict as (typeof VERDICTS)[number];
}
