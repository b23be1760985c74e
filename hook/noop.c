/* noop.c - wraps read, recv, accept, accept4, close and only forwards (next
 * pointers resolved once). The floor: the cost of being interposed at all.
 */
#include "next.h"

HOOK_EXPORT const char hook_latency_marker[] = "hook-latency:noop";

__attribute__((constructor)) static void noop_init(void)
{
    hl_next_init();
    if (hl_verbose()) {
        static const char msg[] = "hook-latency[noop]: loaded\n";
        hl_write_all(2, msg, sizeof(msg) - 1);
    }
}

HOOK_EXPORT ssize_t read(int fd, void *buf, size_t count) { return NEXT(read)(fd, buf, count); }

#include "forward-rest.h"
