// Text the run did not write itself (kubectl's stderr, pod events, the SUT's log, all folded into an
// error message) goes into a PR comment anyone can read. Secret-looking values in it are masked (and
// registered with core.setSecret, so the runner masks them in the log too), and it is quoted in a
// fenced block it cannot close: Markdown ends a backtick fence only with a run of backticks at least
// as long as the opening one (CommonMark 0.31, "Fenced code blocks"), so the fence is one longer than
// the longest run in the text.
import * as core from '@actions/core';

/** Values that are secrets by their shape. */
const SECRET_SHAPES = [
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, // GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_)
  /\bgithub_pat_[A-Za-z0-9_]{40,}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWTs: service account tokens, ACTIONS_RUNTIME_TOKEN
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];
/** Values that are secrets by their name: `token=...`, `password: ...`, `Bearer ...`, `user:pass@host`. */
const SECRET_VALUES = [
  /\b[A-Za-z0-9_.-]*(?:token|secret|passw(?:or)?d|api[_-]?key|credentials?)[A-Za-z0-9_.-]*["']?\s*[=:]\s*["']?(?!(?:Bearer|Basic)\b)([^\s"',;&]{6,})/gi,
  /\b(?:Bearer|Basic)\s+([A-Za-z0-9._~+/-]{8,}=*)/g,
  /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:([^\s@/]{3,})@/gi,
];

/** Longest text quoted from a tool; the job log has all of it. */
export const QUOTE_CHARS = 2000;

/** TEXT with every secret-looking value replaced by `***`, and those values. */
export function redact(text: string): { text: string; secrets: string[] } {
  const secrets = new Set<string>();
  for (const re of SECRET_SHAPES) for (const m of text.matchAll(re)) secrets.add(m[0]);
  for (const re of SECRET_VALUES) for (const m of text.matchAll(re)) secrets.add(m[1]);
  let out = text;
  // Longest first, so a value inside another is not left half-masked.
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  return { text: out, secrets: [...secrets] };
}

/** Masks secret-looking values in MARKDOWN and registers them with the runner (log masking). */
export function maskSecrets(markdown: string): string {
  const { text, secrets } = redact(markdown);
  for (const s of secrets) core.setSecret(s);
  return text;
}

/** TEXT cut to MAX characters and fenced so that nothing in it can end the block. */
export function fenced(text: string, max = QUOTE_CHARS): string {
  const cut = text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters in the job log)` : text;
  const longest = Math.max(0, ...[...cut.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${cut}\n${fence}`;
}
