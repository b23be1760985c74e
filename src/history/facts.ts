// The facts a record carries about where and with what it was measured: the runner's CPU and
// kernel, and the hooks' identities (sha256 of the .so files).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { RunnerFacts } from './record';

/** CPU model, vCPU count and kernel of the machine this process runs on. */
export function runnerFacts(): RunnerFacts {
  const cpus = os.cpus();
  return {
    cpuModel: (cpus[0]?.model ?? 'unknown').replace(/\s+/g, ' ').trim(),
    vcpus: cpus.length,
    kernel: `${os.type()} ${os.release()}`,
  };
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
