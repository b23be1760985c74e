/* next.h - "resolve once" next-symbol table for hooks that do it right.
 *
 * The pointers are resolved by hl_next_init() (call it from the hook's
 * constructor). A wrapper that runs before the constructor (another library's
 * constructor calling read(), say) resolves them through pthread_once. Hot path
 * cost: one acquire load (a plain load on x86) and a predicted branch.
 */
#ifndef HOOK_LATENCY_NEXT_H
#define HOOK_LATENCY_NEXT_H

#include "hooklib.h"

static struct {
    hl_read_fn read;
    hl_recv_fn recv;
    hl_accept_fn accept;
    hl_accept4_fn accept4;
    hl_close_fn close;
} hl_next;

static pthread_once_t hl_next_once = PTHREAD_ONCE_INIT;

static void hl_next_resolve(void)
{
    hl_read_fn r = HL_DLSYM_NEXT(hl_read_fn, "read", hl_sys_read);
    hl_recv_fn rv = HL_DLSYM_NEXT(hl_recv_fn, "recv", hl_sys_recv);
    hl_accept_fn a = HL_DLSYM_NEXT(hl_accept_fn, "accept", hl_sys_accept);
    hl_accept4_fn a4 = HL_DLSYM_NEXT(hl_accept4_fn, "accept4", hl_sys_accept4);
    hl_close_fn c = HL_DLSYM_NEXT(hl_close_fn, "close", hl_sys_close);
    __atomic_store_n(&hl_next.read, r, __ATOMIC_RELEASE);
    __atomic_store_n(&hl_next.recv, rv, __ATOMIC_RELEASE);
    __atomic_store_n(&hl_next.accept, a, __ATOMIC_RELEASE);
    __atomic_store_n(&hl_next.accept4, a4, __ATOMIC_RELEASE);
    __atomic_store_n(&hl_next.close, c, __ATOMIC_RELEASE);
}

static inline void hl_next_init(void) { pthread_once(&hl_next_once, hl_next_resolve); }

/* NEXT(read) -> the next definition of read, resolving on first use if needed. */
#define NEXT(name)                                                                            \
    __extension__({                                                                           \
        __typeof__(hl_next.name) hl_f_ = __atomic_load_n(&hl_next.name, __ATOMIC_ACQUIRE);    \
        if (HOOK_UNLIKELY(!hl_f_)) {                                                          \
            hl_next_init();                                                                   \
            hl_f_ = __atomic_load_n(&hl_next.name, __ATOMIC_ACQUIRE);                         \
        }                                                                                     \
        hl_f_;                                                                                \
    })

#endif
