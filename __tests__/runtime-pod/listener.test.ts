// Finding the SUT's process by the socket listening on its port (pure parsing of /proc text).
// The TCP lines are real /proc/net/tcp and tcp6 output (Linux 6.x; format in proc(5)).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listenerOf, listeningInodes, parseSnapshot, socketInode } from '../../src/runtime/pod/listener';
import { isMapped } from '../../src/runtime/pod/maps';

const TCP6 =
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
  '   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 34797 1 00000000a5f93e0b 100 0 0 10 0\n';
// An established connection to port 8080 (st 01) is not a listener.
const TCP = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
  '   0: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31196 1 000000009828d86c 100 0 0 10 0\n' +
  '   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 31200 1 000000009828d86c 20 4 30 10 -1\n';

describe('pod/listener', () => {
  it('listening sockets by port, IPv4 and IPv6, LISTEN state only', () => {
    expect([...listeningInodes(TCP, 8081)]).toEqual(['31196']);
    expect([...listeningInodes(TCP, 8080)]).toEqual([]);
    expect([...listeningInodes(TCP6, 8080)]).toEqual(['34797']);
    expect(socketInode('socket:[34797]')).toBe('34797');
    expect(socketInode('pipe:[12]')).toBeUndefined();
  });

  it('parses a real snapshot (catatonit as PID 1, the SUT as pid 6) and finds the hook in the listener', () => {
    const snap = parseSnapshot(readFileSync(resolve(__dirname, 'fixtures/snapshot-catatonit.txt'), 'utf8'));
    expect(snap.processes.map((p) => [p.pid, p.sockets])).toEqual([[6, ['31196']]]);
    const sut = listenerOf(snap, 8081);
    expect(sut?.pid).toBe(6);
    expect(isMapped(sut!.maps, '/hook-latency/hook', 'noop.so')).toBe(true);
    expect(listenerOf(snap, 8080)).toBeUndefined();
  });

  it('the listener wins over other processes with sockets, whatever their order', () => {
    const text = `${TCP}== 1 socket:[999]\n7f-80 r-xp 0 0:0 1 /hook-latency/hook/x.so\n== 7 socket:[5] socket:[31196]\n7f-80 r-xp 0 0:0 1 /app/sut\n`;
    const sut = listenerOf(parseSnapshot(text), 8081);
    expect(sut?.pid).toBe(7);
    expect(isMapped(sut!.maps, '/hook-latency/hook', 'x.so')).toBe(false);
  });
});
