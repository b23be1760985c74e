/* spin.c - forwards, and spins HOOK_SPIN_ITERS iterations of a dependent integer loop (default
 * 100, parsed once) after EVERY read() and recv() call, whatever the fd. A small cost that does not
 * read the clock: delay.c's clock-based wait costs at least two clock reads, which on hosts whose
 * clock source is not in the vDSO (kvm-clock fallbacks, some VMs) is itself ~1 µs, so it cannot
 * make a hook of tens of ns. Its ns per call is whatever `hook-latency micro` measures on the host.
 * It wraps nothing else.
 */
#include "next.h"

HOOK_EXPORT const char hook_latency_marker[] = "hook-latency:spin";

static uint64_t spin_iters = 100;

__attribute__((constructor)) static void spin_init(void)
{
    hl_next_init();
    spin_iters = hl_env_u64("HOOK_SPIN_ITERS", 100);
}

/* Each step depends on the last, and the asm barrier keeps the compiler from folding the loop. */
static void spin(void)
{
    uint64_t x = 1;
    for (uint64_t i = 0; i < spin_iters; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        __asm__ volatile("" : "+r"(x));
    }
}

HOOK_EXPORT ssize_t read(int fd, void *buf, size_t count)
{
    ssize_t n = NEXT(read)(fd, buf, count);
    int saved = errno;
    spin();
    errno = saved;
    return n;
}

HOOK_EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    ssize_t n = NEXT(recv)(fd, buf, len, flags);
    int saved = errno;
    spin();
    errno = saved;
    return n;
}
