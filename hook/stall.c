/* stall.c - a hook that stalls now and then: forwards every call, and after every
 * HOOK_STALL_EVERY-th read() (default 100, counted over the process, parsed once) busy-waits
 * HOOK_STALL_NS nanoseconds (default 40000) on CLOCK_MONOTONIC. An agent flushing its buffer, a
 * cache miss that compiles a rule: the median request does not move, the p99 moves by the stall.
 * recv, accept, accept4 and close are forwarded as noop.c forwards them, so every other call costs
 * what noop costs.
 */
#include "next.h"

HOOK_EXPORT const char hook_latency_marker[] = "hook-latency:stall";

static uint64_t stall_every = 100;
static uint64_t stall_ns = 40000;
static uint64_t reads;

__attribute__((constructor)) static void stall_init(void)
{
    hl_next_init();
    stall_every = hl_env_u64("HOOK_STALL_EVERY", 100);
    if (!stall_every) stall_every = 1;
    stall_ns = hl_env_u64("HOOK_STALL_NS", 40000);
    if (hl_verbose()) {
        struct hl_line l = {.n = 0};
        hl_puts(&l, "hook-latency[stall]: loaded, every=");
        hl_putu(&l, stall_every);
        hl_puts(&l, " stall_ns=");
        hl_putu(&l, stall_ns);
        hl_puts(&l, "\n");
        hl_emit(2, &l);
    }
}

HOOK_EXPORT ssize_t read(int fd, void *buf, size_t count)
{
    ssize_t n = NEXT(read)(fd, buf, count);
    /* Relaxed: a counter shared by the SUT's threads only decides which call stalls. */
    if (__atomic_add_fetch(&reads, 1, __ATOMIC_RELAXED) % stall_every == 0) {
        int saved = errno;
        hl_busy_wait_ns(stall_ns);
        errno = saved;
    }
    return n;
}

#include "forward-rest.h"
