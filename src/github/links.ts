// Links back to the workflow run and its artifact, from the runner's environment.
function runBase(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server = 'https://github.com', GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = env;
  return repo && run ? `${server}/${repo}/actions/runs/${run}` : undefined;
}

export function runUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const base = runBase(env);
  if (!base) return undefined;
  const attempt = env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
  return `${base}${attempt}`;
}

export function artifactUrl(id: number | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const base = runBase(env);
  return id === undefined || !base ? undefined : `${base}/artifacts/${id}`;
}
