// Links back to the workflow run and its artifact, from the runner's environment.
export function runUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server = 'https://github.com', GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = env;
  if (!repo || !run) return undefined;
  const attempt = env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
  return `${server}/${repo}/actions/runs/${run}${attempt}`;
}

export function artifactUrl(id: number | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL: server = 'https://github.com', GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = env;
  if (id === undefined || !repo || !run) return undefined;
  return `${server}/${repo}/actions/runs/${run}/artifacts/${id}`;
}
