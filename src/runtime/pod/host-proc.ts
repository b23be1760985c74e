// A container's processes seen from the host's /proc (podman runs on this machine): the processes
// in the PID namespace of the container's init, with their socket fds and maps, and the TCP tables
// of its network namespace. Unreadable (not root, or the container is gone) -> undefined.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { socketInode, type ContainerSnapshot, type ProcessSockets } from './listener';

function tryRead<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

function socketsOf(pid: string): string[] {
  const fds = tryRead(() => readdirSync(`/proc/${pid}/fd`)) ?? [];
  return fds.map((fd) => tryRead(() => socketInode(readlinkSync(`/proc/${pid}/fd/${fd}`)))).filter((x): x is string => x !== undefined);
}

export function hostSnapshot(initPid: number): ContainerSnapshot | undefined {
  const ns = tryRead(() => readlinkSync(`/proc/${initPid}/ns/pid`));
  const tcp = tryRead(() => readFileSync(`/proc/${initPid}/net/tcp`, 'utf8'));
  if (!ns || tcp === undefined) return undefined;
  const tcp6 = tryRead(() => readFileSync(`/proc/${initPid}/net/tcp6`, 'utf8')) ?? '';
  const processes: ProcessSockets[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    if (tryRead(() => readlinkSync(`/proc/${pid}/ns/pid`)) !== ns) continue;
    const sockets = socketsOf(pid);
    if (sockets.length === 0) continue;
    const maps = tryRead(() => readFileSync(`/proc/${pid}/maps`, 'utf8'));
    if (maps !== undefined) processes.push({ pid: Number(pid), sockets, maps });
  }
  return { tcp: `${tcp}\n${tcp6}`, processes };
}
