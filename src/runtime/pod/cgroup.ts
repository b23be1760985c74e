// A container process's cgroup counters read from the host (/proc/<pid>/cgroup -> /sys/fs/cgroup),
// for cgroup v2, v1 and hybrid hosts. Everything is best effort: unreadable -> undefined.
import { existsSync, readFileSync } from 'node:fs';
import { parseCpuStat, parseLimit } from '../../checks/resource-limits';

export interface CgroupReading {
  nrThrottled?: number;
  memoryUsage?: number;
  memoryLimit?: number;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Parses /proc/<pid>/cgroup into controller -> path ('' key = the v2 unified hierarchy). */
export function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    for (const c of m[1].split(',')) out.set(c.replace(/^name=/, ''), m[2]);
  }
  return out;
}

export function readCgroup(pid: number, root = '/sys/fs/cgroup'): CgroupReading {
  const text = read(`/proc/${pid}/cgroup`);
  if (!text) return {};
  const map = parseProcCgroup(text);
  const v2 = existsSync(`${root}/cgroup.controllers`);
  const out: CgroupReading = {};
  if (v2 && map.has('')) {
    const dir = `${root}${map.get('')}`;
    const cpu = read(`${dir}/cpu.stat`);
    if (cpu) out.nrThrottled = parseCpuStat(cpu).nr_throttled;
    out.memoryUsage = parseLimit(read(`${dir}/memory.peak`) ?? read(`${dir}/memory.current`));
    out.memoryLimit = parseLimit(read(`${dir}/memory.max`));
    return out;
  }
  const cpuPath = map.get('cpu') ?? map.get('cpuacct');
  if (cpuPath !== undefined) {
    for (const d of ['cpu', 'cpu,cpuacct', 'cpuacct,cpu']) {
      const cpu = read(`${root}/${d}${cpuPath}/cpu.stat`);
      if (cpu) {
        out.nrThrottled = parseCpuStat(cpu).nr_throttled;
        break;
      }
    }
  }
  const memPath = map.get('memory');
  if (memPath !== undefined) {
    out.memoryUsage = parseLimit(read(`${root}/memory${memPath}/memory.max_usage_in_bytes`));
    out.memoryLimit = parseLimit(read(`${root}/memory${memPath}/memory.limit_in_bytes`));
  }
  return out;
}
