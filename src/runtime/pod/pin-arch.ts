// Which architecture the pods' pin wrapper is built for. The wrapper (hook/pin.c) is built on this
// machine and sent to the pods; on podman and kind the pods run here, but an existing cluster's
// nodes may be arm64 while the runner is x86-64 (or the reverse). Listing nodes needs a right a
// CI token often lacks, so the evidence is the hook itself: it has to load in the SUT on the node,
// so it is built for the node's architecture (a 32-bit hook runs on the 64-bit kernel of its family).
import { which } from '@actions/io';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config';
import { UsageError } from '../../errors';
import { buildNative, elfMachine, packageRoot } from '../../native';
import { pinBinary } from '../placement';

/** The architectures hook/pin.c has raw syscalls for, by their GNU triple's first part. */
export type PinArch = 'x86_64' | 'aarch64';

/** ELF e_machine to the 64-bit family its code runs on: EM_386, EM_X86_64, EM_ARM, EM_AARCH64. */
const FAMILY: Record<number, PinArch> = { 3: 'x86_64', 62: 'x86_64', 40: 'aarch64', 183: 'aarch64' };

const NAMES: Record<PinArch, string> = { x86_64: 'x86-64', aarch64: 'aarch64 (arm64)' };

function hostName(): string {
  const host = hostPinArch();
  return host ? NAMES[host] : process.arch;
}

/** This machine's family (null on one the wrapper has no syscalls for: its build then says so). */
export function hostPinArch(): PinArch | null {
  if (process.arch === 'x64' || process.arch === 'ia32') return 'x86_64';
  if (process.arch === 'arm64' || process.arch === 'arm') return 'aarch64';
  return null;
}

/**
 * The family the hooks are built for, or null when there is no hook or its machine is not one the
 * wrapper knows. Two hooks of different families cannot run in one cluster's SUT image: bad input.
 */
export function hookPinArch(hooks: Array<{ path: string; what: string }>): PinArch | null {
  let found: { arch: PinArch; what: string } | null = null;
  for (const h of hooks) {
    const machine = elfMachine(h.path);
    const arch = machine === null ? undefined : FAMILY[machine];
    if (!arch) continue;
    if (found && found.arch !== arch) {
      throw new UsageError(`${found.what} is built for ${NAMES[found.arch]} and ${h.what} for ${NAMES[arch]}: both arms run on the same nodes`);
    }
    found ??= { arch, what: h.what };
  }
  return found?.arch ?? null;
}

/** The freestanding programs the pods get, built by `make -C hook <tool>`, and what errors call them. */
export type NativeTool = 'pin' | 'loadgen';
const TOOL_NAMES: Record<NativeTool, string> = { pin: 'the pin wrapper', loadgen: 'the load generator' };

/** Where TOOL for ARCH lives: hook/build/TOOL for this machine's, hook/build/ARCH/TOOL for another. */
export function nativeToolFor(tool: NativeTool, arch: PinArch | null, root = packageRoot()): string {
  return arch === null || arch === hostPinArch() ? join(root, 'hook', 'build', tool) : join(root, 'hook', 'build', arch, tool);
}

/** Where the wrapper for ARCH lives: hook/build/pin for this machine's, hook/build/ARCH/pin for another. */
export function pinBinaryFor(arch: PinArch | null, root = packageRoot()): string {
  return arch === null || arch === hostPinArch() ? pinBinary(root) : nativeToolFor('pin', arch, root);
}

/**
 * Builds TOOL for another architecture with its GNU cross compiler (ARCH-linux-gnu-gcc; the tools
 * are freestanding, so no cross libc is needed) when it is missing. Without that compiler: one line
 * naming both ways out (`orElse`).
 */
export async function ensureCross(tool: NativeTool, arch: PinArch, root = packageRoot(), orElse = 'set placement: off'): Promise<string> {
  const file = nativeToolFor(tool, arch, root);
  if (existsSync(file) || arch === hostPinArch()) return file;
  const cc = `${arch}-linux-gnu-gcc`;
  if (!(await which(cc, false))) {
    throw new UsageError(
      `the hook is built for ${NAMES[arch]} and this machine is ${hostName()}: the pods need ${TOOL_NAMES[tool]} for ${NAMES[arch]}; ` +
        `install ${cc} (Debian/Ubuntu: gcc-${arch.replaceAll('_', '-')}-linux-gnu) to build it, or ${orElse}`,
    );
  }
  const dir = join(root, 'hook', 'build', arch);
  await buildNative(`${TOOL_NAMES[tool]} for ${NAMES[arch]}`, [tool, `CC=${cc}`, `B=${dir}`], root);
  return file;
}

/** The pin wrapper for ARCH (see ensureCross). */
export function ensureCrossPin(arch: PinArch, root = packageRoot()): Promise<string> {
  return ensureCross('pin', arch, root);
}

/**
 * The nodes' architecture for an existing cluster, which may not be this machine's: the hooks',
 * else this machine's. The load generator is cross-built for it when that is another, and the pin
 * wrapper too unless placement is off.
 */
export async function clusterPinArch(config: Config): Promise<PinArch | null> {
  const hooks = [
    { path: config.hook, what: 'the hook' },
    { path: config.baselineHook, what: 'the baseline hook' },
  ].filter((h): h is { path: string; what: string } => !!h.path);
  const arch = hookPinArch(hooks) ?? hostPinArch();
  if (arch === null) return null;
  await ensureCross('loadgen', arch, undefined, 'build the hook for this machine');
  if (config.placement !== 'off') await ensureCrossPin(arch);
  return arch;
}
