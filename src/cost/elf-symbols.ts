// The functions a shared object exports: the defined FUNC symbols (global or weak, default or
// protected visibility) of its .dynsym, read from the ELF file itself (ELF-64 and ELF-32, either byte
// order; System V gABI, "Symbol Table"). What `nm -D --defined-only` lists as T/W, without binutils.
import { readFileSync } from 'node:fs';
import { RunError } from '../errors';

const SHT_DYNSYM = 11;
const STT_FUNC = 2;
const STT_GNU_IFUNC = 10;
const STB_GLOBAL = 1;
const STB_WEAK = 2;
const SHN_UNDEF = 0;
const STV_HIDDEN = 2;
const STV_INTERNAL = 1;

export function exportedFunctionsOf(file: string): string[] {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    throw new RunError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return exportedFunctions(buf, file);
}

export function exportedFunctions(buf: Buffer, name = 'the file'): string[] {
  if (buf.length < 52 || buf.readUInt32BE(0) !== 0x7f454c46) throw new RunError(`${name} is not an ELF file`);
  const is64 = buf[4] === 2;
  const le = buf[5] === 1;
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const addr = (o: number) => (is64 ? Number(le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o)) : u32(o));
  const shoff = addr(is64 ? 0x28 : 0x20);
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  const shnum = u16(is64 ? 0x3c : 0x30);
  const section = (i: number) => {
    const b = shoff + i * shentsize;
    return {
      type: u32(b + 4),
      offset: addr(b + (is64 ? 0x18 : 0x10)),
      size: addr(b + (is64 ? 0x20 : 0x14)),
      link: u32(b + (is64 ? 0x28 : 0x18)),
      entsize: addr(b + (is64 ? 0x38 : 0x24)),
    };
  };
  const out = new Set<string>();
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    if (s.type !== SHT_DYNSYM || s.entsize === 0) continue;
    const strtab = section(s.link);
    for (let off = s.offset + s.entsize; off + s.entsize <= s.offset + s.size; off += s.entsize) {
      // Elf64_Sym: name u32, info u8, other u8, shndx u16 ...; Elf32_Sym: name, value, size, info, other, shndx.
      const info = buf[off + (is64 ? 4 : 12)]!;
      const other = buf[off + (is64 ? 5 : 13)]!;
      const shndx = u16(off + (is64 ? 6 : 14));
      const type = info & 0xf;
      const bind = info >> 4;
      const vis = other & 0x3;
      if (shndx === SHN_UNDEF || (type !== STT_FUNC && type !== STT_GNU_IFUNC)) continue;
      if ((bind !== STB_GLOBAL && bind !== STB_WEAK) || vis === STV_HIDDEN || vis === STV_INTERNAL) continue;
      const start = strtab.offset + u32(off);
      const end = buf.indexOf(0, start);
      out.add(buf.toString('latin1', start, end));
    }
  }
  return [...out].sort();
}
