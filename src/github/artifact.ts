// Uploads the run's raw data (samples.csv, verdict.json, summary.md, report.html and comment.json when present) as one
// artifact. Skipped with a notice off a runner (no ACTIONS_RUNTIME_TOKEN); an upload problem is a
// warning, never the reason a job fails.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '@actions/core';
import { DefaultArtifactClient } from '@actions/artifact';
import { outputFiles } from '../engine';
import { messageOf } from '../errors';
import { COMMENT_REQUEST_FILE } from './comment-request';

export interface UploadResult {
  id?: number;
  name: string;
}

export async function uploadResults(name: string, dir: string | undefined): Promise<UploadResult | null> {
  if (!dir) return null;
  // The engine's outputs, and the HTML report that report/html writes beside them.
  const files = [...Object.values(outputFiles(dir)), join(dir, 'report.html'), join(dir, COMMENT_REQUEST_FILE)].filter((f) => existsSync(f));
  if (files.length === 0) {
    core.info('no result files to upload');
    return null;
  }
  if (!process.env.ACTIONS_RUNTIME_TOKEN) {
    core.notice(`artifact upload skipped: ACTIONS_RUNTIME_TOKEN is not set (not on a runner); results are in ${dir}`);
    return null;
  }
  try {
    const client = new DefaultArtifactClient();
    const res = await client.uploadArtifact(name, files, dir);
    core.info(`uploaded artifact '${name}' (${files.length} files${res.size ? `, ${res.size} bytes` : ''})`);
    return { id: res.id, name };
  } catch (err) {
    core.warning(`artifact upload failed: ${messageOf(err)}`);
    return null;
  }
}
