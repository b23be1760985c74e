/* outside.c - a hook whose cost is outside the call it wraps: it wraps only
 * read() (forwarding, no work of its own), but its constructor installs
 * HOOK_OUTSIDE_FILTERS (default 1, at most 8) seccomp filters of
 * HOOK_OUTSIDE_INSNS (default 4000) BPF instructions each that the kernel runs
 * on EVERY system call of the process: epoll_wait, write,
 * accept4, close as much as read. A micro benchmark of read() sees the
 * filter's cost once per read; a request pays it once per system call. The
 * decomposition (calls per request x cost per call) must therefore fall short
 * of the measured shift: the test case for its consistency check.
 *
 * The filter loads a syscall argument in every instruction, so the kernel's
 * seccomp action cache (Linux 5.11+, which skips filters whose result depends
 * on the syscall number only) cannot skip it; it allows every call.
 * Needs no privilege (PR_SET_NO_NEW_PRIVS is set first).
 */
#include "next.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

HOOK_EXPORT const char hook_latency_marker[] = "hook-latency:outside";

#define MAX_INSNS 4095 /* BPF_MAXINSNS (4096) less the final return */
#define MAX_FILTERS 8  /* 8 x 4096 (+ 4 each) is the kernel's 32768 per-process total (MAX_INSNS_PER_PATH) */

static struct sock_filter prog[MAX_INSNS + 1];

__attribute__((constructor)) static void outside_init(void)
{
    hl_next_init();
    unsigned long long n = hl_env_u64("HOOK_OUTSIDE_INSNS", 4000);
    if (n < 1) n = 1;
    if (n > MAX_INSNS) n = MAX_INSNS;
    for (unsigned long long i = 0; i < n; i++)
        prog[i] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]));
    prog[n] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog fprog = {.len = (unsigned short)(n + 1), .filter = prog};
    unsigned long long filters = hl_env_u64("HOOK_OUTSIDE_FILTERS", 1);
    if (filters < 1) filters = 1;
    if (filters > MAX_FILTERS) filters = MAX_FILTERS;
    int ok = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0;
    for (unsigned long long i = 0; ok && i < filters; i++)
        ok = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) == 0;
    if (!ok) {
        struct hl_line l = {.n = 0};
        hl_puts(&l, "hook-latency[outside]: seccomp filter not installed\n");
        hl_emit(2, &l);
    }
}

HOOK_EXPORT ssize_t read(int fd, void *buf, size_t count) { return NEXT(read)(fd, buf, count); }
