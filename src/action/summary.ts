// The job summary: written on every run, also when it failed (with what exists).
import * as core from '@actions/core';
import { messageOf } from '../errors';

export async function writeJobSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.info('GITHUB_STEP_SUMMARY is not set (not on a runner): job summary skipped');
    return;
  }
  try {
    await core.summary.addRaw(markdown).write();
  } catch (err) {
    core.warning(`could not write the job summary: ${messageOf(err)}`);
  }
}
