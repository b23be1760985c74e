// Which process of a container is the SUT: the one holding the socket that listens on its port.
// PID 1 may be an init (tini, dumb-init, catatonit) or a shell that started the SUT, so the hook
// proof reads the maps of the listening process, not of PID 1. The socket's inode comes from
// /proc/net/tcp{,6} (proc(5): local_address is hex IP:PORT, st 0A is LISTEN, the 10th field is the
// inode); the process is the one with an fd linking to `socket:[inode]`.
import { RunError } from '../../errors';

const TCP_LISTEN = '0A';

/** Inodes of the sockets in /proc/net/tcp or tcp6 text that listen on `port`. */
export function listeningInodes(tcpText: string, port: number): Set<string> {
  const out = new Set<string>();
  for (const line of tcpText.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !/^\d+:$/.test(f[0])) continue;
    const localPort = Number.parseInt(f[1].split(':')[1] ?? '', 16);
    if (localPort === port && f[3] === TCP_LISTEN && f[9] !== '0') out.add(f[9]);
  }
  return out;
}

/** A process of the container: its pid, the socket inodes among its fds, its /proc/<pid>/maps. */
export interface ProcessSockets {
  pid: number;
  sockets: string[];
  maps: string;
}

/** What the proof reads of one container: its network namespace's TCP tables and its processes with sockets. */
export interface ContainerSnapshot {
  tcp: string;
  processes: ProcessSockets[];
}

/** The inode in an fd link such as `socket:[12345]`, else undefined. */
export function socketInode(link: string): string | undefined {
  return /^socket:\[(\d+)\]$/.exec(link.trim())?.[1];
}

/** The process holding the socket that listens on `port`, or undefined when none does. */
export function listenerOf(snapshot: ContainerSnapshot, port: number): ProcessSockets | undefined {
  const inodes = listeningInodes(snapshot.tcp, port);
  return snapshot.processes.find((p) => p.sockets.some((s) => inodes.has(s)));
}

/**
 * Run inside a SUT container (`sh -c`, needs sh, cat and readlink: busybox or coreutils). Prints
 * the TCP tables, then for each process with a socket fd a line `== PID socket:[N] ...` and its maps.
 */
export const SNAPSHOT_SCRIPT = [
  'cat /proc/net/tcp /proc/net/tcp6 2>/dev/null',
  'for d in /proc/[0-9]*; do',
  '  s=',
  '  for f in "$d"/fd/*; do',
  '    l=$(readlink "$f" 2>/dev/null) || continue',
  '    case "$l" in socket:*) s="$s $l";; esac',
  '  done',
  '  [ -n "$s" ] || continue',
  '  echo "== ${d#/proc/}$s"',
  '  cat "$d/maps" 2>/dev/null',
  'done',
].join('\n');

/** Parses SNAPSHOT_SCRIPT's output. */
export function parseSnapshot(text: string): ContainerSnapshot {
  const tcp: string[] = [];
  const processes: ProcessSockets[] = [];
  let current: { pid: number; sockets: string[]; maps: string[] } | undefined;
  const flush = () => {
    if (current) processes.push({ pid: current.pid, sockets: current.sockets, maps: current.maps.join('\n') });
  };
  for (const line of text.split('\n')) {
    const head = /^== (\d+)((?: \S+)*)$/.exec(line);
    if (head) {
      flush();
      const sockets = head[2].trim().split(/\s+/).map(socketInode).filter((x): x is string => x !== undefined);
      current = { pid: Number(head[1]), sockets, maps: [] };
    } else if (current) current.maps.push(line);
    else tcp.push(line);
  }
  flush();
  return { tcp: tcp.join('\n'), processes };
}

/** The error when no process of the container listens on the SUT's port. */
export function noListener(where: string, port: number, fileName: string): RunError {
  return new RunError(`cannot verify that ${fileName} is loaded in ${where}: no process there listens on port ${port} (the SUT must listen on PORT)`);
}
