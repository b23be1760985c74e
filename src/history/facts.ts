// The facts a record carries about where and with what it was measured: the runner's CPU, kernel
// and hosted image, the runtime's version, and the hooks' identities (sha256 of the .so files).
// Only what the machine tells without a network call; a fact it cannot tell is left out.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { RunnerFacts } from './record';

/** Longest string a fact keeps, so a record stays small whatever a tool prints. */
export const FACT_MAX_CHARS = 100;

const clip = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, FACT_MAX_CHARS);

/** CPU model, vCPU count, kernel, and on GitHub-hosted runners the image (`ImageOS`, `ImageVersion`). */
export function runnerFacts(env: NodeJS.ProcessEnv = process.env): RunnerFacts {
  const cpus = os.cpus();
  const image = [env.ImageOS, env.ImageVersion].filter((v) => v && v.trim()).join(' ');
  return {
    cpuModel: clip(cpus[0]?.model ?? 'unknown'),
    vcpus: cpus.length,
    kernel: clip(`${os.type()} ${os.release()}`),
    ...(image ? { image: clip(image) } : {}),
  };
}

/** The local command that prints each runtime's version without contacting anything. */
const VERSION_COMMAND: Record<string, [string, string[]]> = {
  kind: ['kind', ['version']],
  podman: ['podman', ['--version']],
  kubernetes: ['kubectl', ['version', '--client']],
};

/** The runtime's version line, or undefined (no such tool here, or a runtime without a version). */
export function runtimeVersion(runtime: string): string | undefined {
  const command = VERSION_COMMAND[runtime];
  if (!command) return undefined;
  try {
    const out = execFileSync(command[0], command[1], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
    const first = out.split('\n').find((l) => l.trim());
    return first ? clip(first) : undefined;
  } catch {
    return undefined;
  }
}

/** sha256 of a hook file, or null when the arm has no hook (or the file cannot be read). */
export function hookSha256(path: string | undefined): string | null {
  if (!path) return null;
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return null;
  }
}
