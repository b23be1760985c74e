// Which pin wrapper the pods get (src/runtime/pod/pin-arch.ts): the hook's architecture, read from its
// ELF header (checked against binutils' readelf), and the wrapper cross-built for it.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { UsageError } from '../../src/errors';
import { elfMachine } from '../../src/native';
import { ensureCrossPin, hookPinArch, hostPinArch, pinBinaryFor } from '../../src/runtime/pod/pin-arch';
import { allowedCpus } from '../../src/runtime/placement';
import { arm64Hook, hookSourcesCopy, ROOT, tempDir } from '../helpers';
import { CROSS_COMPILER, needs, QEMU_AARCH64 } from '../needs';

const dir = tempDir('pin-arch');
const native = join(ROOT, 'hook/build/noop.so');
let arm64 = '';
// A copy of hook/ of its own: the suite's other files use the repository's hook/build meanwhile.
const root = hookSourcesCopy();
const CROSS_PIN = join(root, 'hook/build/aarch64/pin');

/** readelf's "Machine:" line, the reference for e_machine. */
const readelfMachine = (file: string) => /Machine:\s*(.+)/.exec(execFileSync('readelf', ['-h', file], { encoding: 'utf8' }))![1]!.trim();

const savedPath = process.env.PATH;

needs({ ...CROSS_COMPILER, ...QEMU_AARCH64, file: 'file' })('pin wrapper architecture', () => {
  beforeAll(() => {
    execFileSync('make', ['-s', '-C', join(ROOT, 'hook'), native]);
    arm64 = arm64Hook('delay', dir);
  });
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  it('reads e_machine as readelf does, null for a file that is not ELF', () => {
    expect(hostPinArch()).toBe('x86_64'); // these tests run on x86-64, with an aarch64 cross compiler
    expect(readelfMachine(native)).toBe('Advanced Micro Devices X86-64');
    expect(elfMachine(native)).toBe(62);
    expect(readelfMachine(arm64)).toBe('AArch64');
    expect(elfMachine(arm64)).toBe(183);
    const text = join(dir, 'hook.txt');
    writeFileSync(text, 'not a library at all, but long enough');
    expect(elfMachine(text)).toBeNull();
    expect(elfMachine(join(dir, 'missing.so'))).toBeNull();
  });

  it("the hooks' family decides; hooks of two families are one line of bad input", () => {
    expect(hookPinArch([{ path: native, what: 'the hook' }])).toBe('x86_64');
    expect(hookPinArch([{ path: arm64, what: 'the hook' }, { path: arm64, what: 'the baseline hook' }])).toBe('aarch64');
    expect(hookPinArch([])).toBeNull();
    expect(() => hookPinArch([{ path: arm64, what: 'the hook' }, { path: native, what: 'the baseline hook' }])).toThrow(
      new UsageError('the hook is built for aarch64 (arm64) and the baseline hook for x86-64: both arms run on the same nodes'),
    );
  });

  it('this machine keeps hook/build/pin; another architecture gets hook/build/ARCH/pin', () => {
    expect(pinBinaryFor('x86_64')).toBe(join(ROOT, 'hook/build/pin'));
    expect(pinBinaryFor(null)).toBe(join(ROOT, 'hook/build/pin'));
    expect(pinBinaryFor('aarch64')).toBe(join(ROOT, 'hook/build/aarch64/pin'));
    expect(pinBinaryFor('aarch64', root)).toBe(CROSS_PIN);
  });

  it('without the cross compiler: one line naming both ways out', async () => {
    rmSync(join(root, 'hook/build'), { recursive: true, force: true });
    process.env.PATH = '/nonexistent';
    await expect(ensureCrossPin('aarch64', root)).rejects.toThrow(
      new UsageError(
        'the hook is built for aarch64 (arm64) and this machine is x86-64: the pods need the pin wrapper for aarch64 (arm64); ' +
          'install aarch64-linux-gnu-gcc (Debian/Ubuntu: gcc-aarch64-linux-gnu) to build it, or set placement: off',
      ),
    );
    expect(existsSync(CROSS_PIN)).toBe(false);
  });

  it('with it: builds the static aarch64 wrapper, which pins what it execs (run by qemu-user)', async () => {
    rmSync(join(root, 'hook/build'), { recursive: true, force: true });
    expect(await ensureCrossPin('aarch64', root)).toBe(CROSS_PIN);
    expect(execFileSync('file', [CROSS_PIN], { encoding: 'utf8' })).toMatch(/ARM aarch64.*statically linked/);
    const out = execFileSync('qemu-aarch64', [CROSS_PIN, '@0', '--', 'sh', '-c', 'grep Cpus_allowed_list /proc/self/status'], { encoding: 'utf8' });
    expect(out).toMatch(new RegExp(`^Cpus_allowed_list:\\s*${allowedCpus()[0]}\\n$`));
  });
});
