/* firewall.h - the "firewall" logic shared by readhook.c and readhook-dlsym.c.
 *
 * - a fixed-size atomic bitmap, indexed by fd, of accepted AF_INET/AF_INET6 sockets;
 * - a keyword list parsed once (HOOK_KEYWORDS / HOOK_KEYWORDS_FILE / defaults);
 * - a scan of the bytes returned by read/recv on marked fds (memmem per keyword);
 * - per-function atomic call counters, written to HOOK_STATS_FILE at exit.
 *
 * All of it lives in firewall.c, linked into each firewall .so with hidden
 * visibility, so two hooks never share state.
 */
#ifndef HOOK_LATENCY_FIREWALL_H
#define HOOK_LATENCY_FIREWALL_H

#include "hooklib.h"

enum fw_fn { FW_READ, FW_RECV, FW_ACCEPT, FW_ACCEPT4, FW_CLOSE, FW_NFN };

#define FW_MAX_FD 65536 /* fds >= this are never marked (and so never scanned) */
#define FW_WORD_BITS (8 * sizeof(unsigned long))
/* Word index and bit of FD (< FW_MAX_FD) in the fd-indexed bitmaps below. */
#define FW_WORD(fd) ((unsigned)(fd) / FW_WORD_BITS)
#define FW_BIT(fd) (1ul << ((unsigned)(fd) % FW_WORD_BITS))

extern unsigned long fw_bitmap[FW_MAX_FD / FW_WORD_BITS] HOOK_HIDDEN;
extern unsigned long fw_calls[FW_NFN] HOOK_HIDDEN;
/* Listener cache (accept(fd, NULL, NULL) gives no address): bit set in
 * fw_lknown once the listening fd's family was looked up, fw_linet if inet. */
extern unsigned long fw_lknown[FW_MAX_FD / FW_WORD_BITS] HOOK_HIDDEN;
extern unsigned long fw_linet[FW_MAX_FD / FW_WORD_BITS] HOOK_HIDDEN;

/* Defined by each firewall hook: its name for diagnostics ("readhook"). */
extern const char fw_hook_name[] HOOK_HIDDEN;

/* Parse the configuration (once; pthread_once). Called from the hook's
 * constructor, and lazily from fw_after_read if a read comes first. */
void fw_init(void) HOOK_HIDDEN;

static inline void fw_count(enum fw_fn f) { __atomic_fetch_add(&fw_calls[f], 1, __ATOMIC_RELAXED); }

static inline int fw_marked(int fd)
{
    if ((unsigned)fd >= FW_MAX_FD) return 0;
    return (__atomic_load_n(&fw_bitmap[FW_WORD(fd)], __ATOMIC_RELAXED) & FW_BIT(fd)) != 0;
}

/* On close: forget everything known about FD (its number may be reused). */
static inline void fw_unmark(int fd)
{
    if ((unsigned)fd >= FW_MAX_FD) return;
    unsigned w = FW_WORD(fd);
    unsigned long bit = FW_BIT(fd);
    if (__atomic_load_n(&fw_bitmap[w], __ATOMIC_RELAXED) & bit)
        __atomic_fetch_and(&fw_bitmap[w], ~bit, __ATOMIC_RELAXED);
    if (HOOK_UNLIKELY(__atomic_load_n(&fw_lknown[w], __ATOMIC_RELAXED) & bit)) {
        __atomic_fetch_and(&fw_lknown[w], ~bit, __ATOMIC_RELAXED);
        __atomic_fetch_and(&fw_linet[w], ~bit, __ATOMIC_RELAXED);
    }
}

/* After a successful accept/accept4 on listener LFD returning FD: mark FD if it
 * is an inet socket. SA/LEN are what the caller passed (may be NULL). */
void fw_on_accept(int lfd, int fd, const struct sockaddr *sa, const socklen_t *len) HOOK_HIDDEN;

/* Slow path of fw_after_read: scan, then log or block. */
ssize_t fw_scan_and_act(int fd, const void *buf, ssize_t n) HOOK_HIDDEN;

/* After read/recv returned N bytes into BUF on FD: returns N, or -1 with errno
 * ECONNRESET when HOOK_MODE=block and a keyword matched. */
static inline ssize_t fw_after_read(int fd, const void *buf, ssize_t n)
{
    if (HOOK_LIKELY(n <= 0 || !fw_marked(fd))) return n;
    return fw_scan_and_act(fd, buf, n);
}

#endif
