/* contend.c - forwards read() and recv() inside one process-wide mutex, held for HOOK_CONTEND_NS
 * nanoseconds (default 2000, parsed once; a busy wait on CLOCK_MONOTONIC after the call) each time:
 * the shape of an agent that serialises its bookkeeping behind a lock. With one request in flight
 * a request pays about the hold per read; with requests served in parallel (the example SUT with
 * WORKERS >= 2, the load generator with concurrency >= 2) they queue behind each other for the lock
 * and the cost per request grows with the queue. Nothing else is wrapped.
 */
#include <pthread.h>
#include "next.h"

HOOK_EXPORT const char hook_latency_marker[] = "hook-latency:contend";

static uint64_t hold_ns = 2000;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

__attribute__((constructor)) static void contend_init(void)
{
    hl_next_init();
    hold_ns = hl_env_u64("HOOK_CONTEND_NS", 2000);
    if (hl_verbose()) {
        struct hl_line l = {.n = 0};
        hl_puts(&l, "hook-latency[contend]: loaded, hold_ns=");
        hl_putu(&l, hold_ns);
        hl_puts(&l, "\n");
        hl_emit(2, &l);
    }
}

HOOK_EXPORT ssize_t read(int fd, void *buf, size_t count)
{
    pthread_mutex_lock(&lock);
    ssize_t n = NEXT(read)(fd, buf, count);
    int saved = errno;
    hl_busy_wait_ns(hold_ns);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return n;
}

HOOK_EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    pthread_mutex_lock(&lock);
    ssize_t n = NEXT(recv)(fd, buf, len, flags);
    int saved = errno;
    hl_busy_wait_ns(hold_ns);
    pthread_mutex_unlock(&lock);
    errno = saved;
    return n;
}
