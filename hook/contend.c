/* contend.c - forwards read() and recv() inside one process-wide mutex, held for HOOK_CONTEND_NS
 * nanoseconds (default 2000, parsed once; a busy wait on CLOCK_MONOTONIC after the call) each time:
 * the shape of an agent that serialises its bookkeeping behind a lock. With one request in flight
 * a request pays about the hold per read; with requests served in parallel (the example SUT with
 * WORKERS >= 2, the load generator with concurrency >= 2) they queue behind each other for the lock
 * and the cost per request grows with the queue. Nothing else is wrapped.
 * HOOK_CONTEND_SLEEP=1 holds the lock across a sleep of HOOK_CONTEND_NS instead (the shape of an
 * agent that writes to its collector under the lock): the holder then needs no CPU, so requests
 * queue for the lock even when all of the SUT's threads share one CPU, as placement pins them.
 */
#include <pthread.h>
#include <time.h>
#include "next.h"

HOOK_EXPORT const char hook_latency_marker[] = "hook-latency:contend";

static uint64_t hold_ns = 2000;
static int sleep_hold;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

__attribute__((constructor)) static void contend_init(void)
{
    hl_next_init();
    hold_ns = hl_env_u64("HOOK_CONTEND_NS", 2000);
    sleep_hold = hl_env_u64("HOOK_CONTEND_SLEEP", 0) != 0;
    if (hl_verbose()) {
        struct hl_line l = {.n = 0};
        hl_puts(&l, "hook-latency[contend]: loaded, hold_ns=");
        hl_putu(&l, hold_ns);
        hl_puts(&l, "\n");
        hl_emit(2, &l);
    }
}

/* The hold: a busy wait by the clock, or a sleep (which the kernel rounds up to its timer slack). */
static void hold(void)
{
    if (sleep_hold) {
        struct timespec ts = {.tv_sec = (time_t)(hold_ns / 1000000000u), .tv_nsec = (long)(hold_ns % 1000000000u)};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
    } else {
        hold();
    }
}

HOOK_EXPORT ssize_t read(int fd, void *buf, size_t count)
{
    pthread_mutex_lock(&lock);
    ssize_t n = NEXT(read)(fd, buf, count);
    int saved = errno;
    hold();
    pthread_mutex_unlock(&lock);
    errno = saved;
    return n;
}

HOOK_EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    pthread_mutex_lock(&lock);
    ssize_t n = NEXT(recv)(fd, buf, len, flags);
    int saved = errno;
    hold();
    pthread_mutex_unlock(&lock);
    errno = saved;
    return n;
}
