/* crash.c - a broken hook: its hooked read() number HOOK_CRASH_AFTER + 1
 * (default 0: the first read) raises SIGSEGV (default action restored first),
 * killing the process mid-run when HOOK_CRASH_AFTER is set. Used to test that a crashing
 * hooked SUT is reported as a failed run, not as a latency figure.
 * recv, accept, accept4 and close are forwarded.
 */
#include <signal.h>

#include "next.h"

HOOK_EXPORT const char hook_latency_marker[] = "hook-latency:crash";

static unsigned long long crash_countdown;

__attribute__((constructor)) static void crash_init(void)
{
    hl_next_init();
    crash_countdown = hl_env_u64("HOOK_CRASH_AFTER", 0);
    if (hl_verbose()) {
        struct hl_line l = {.n = 0};
        hl_puts(&l, "hook-latency[crash]: loaded, read() number ");
        hl_putu(&l, crash_countdown + 1);
        hl_puts(&l, " will raise SIGSEGV\n");
        hl_emit(2, &l);
    }
}

HOOK_EXPORT ssize_t read(int fd, void *buf, size_t count)
{
    if (__atomic_fetch_sub(&crash_countdown, 1, __ATOMIC_SEQ_CST) == 0) {
        signal(SIGSEGV, SIG_DFL);
        raise(SIGSEGV);
    }
    return NEXT(read)(fd, buf, count);
}

#include "forward-rest.h"
