/* forward-rest.h - recv, accept, accept4 and close forwarded untouched, for the hooks whose only
 * own behaviour is in read() (noop, crash, stall): they cost what being interposed costs. Include
 * it once, after next.h, in the hook's own .c file.
 */
#ifndef HOOK_FORWARD_REST_H
#define HOOK_FORWARD_REST_H

HOOK_EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags) { return NEXT(recv)(fd, buf, len, flags); }

HOOK_EXPORT int accept(int fd, __SOCKADDR_ARG addr, socklen_t *__restrict len)
{
    return NEXT(accept)(fd, addr.__sockaddr__, len);
}

HOOK_EXPORT int accept4(int fd, __SOCKADDR_ARG addr, socklen_t *__restrict len, int flags)
{
    return NEXT(accept4)(fd, addr.__sockaddr__, len, flags);
}

HOOK_EXPORT int close(int fd) { return NEXT(close)(fd); }

#endif
