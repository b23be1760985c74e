// GitHub Action post step: removes whatever the main step recorded as created (kind cluster,
// namespace, pods), even when it failed or was cancelled. Tolerant of a main step that never started.
import * as core from '@actions/core';
import { createdResources, mainStarted, savedKubeconfig, savedTools } from './action/state-helper';
import { messageOf } from './errors';
import { removeAll } from './runtime/remove-resources';

async function cleanup(): Promise<void> {
  const resources = createdResources();
  if (resources.length === 0) {
    core.info(mainStarted() ? 'cleanup: the run left nothing to remove' : 'cleanup: the main step did not start; nothing to remove');
    return;
  }
  const failures = await removeAll(resources, { kubeconfig: savedKubeconfig(), tools: savedTools(), log: core });
  core.info(`cleanup: ${resources.length - failures} of ${resources.length} removed`);
}

cleanup().catch((err: unknown) => core.warning(`cleanup: ${messageOf(err)}`));
