/* firewall.c - shared firewall logic (see firewall.h). */
#include "firewall.h"

#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>

unsigned long fw_bitmap[FW_MAX_FD / FW_WORD_BITS];
unsigned long fw_calls[FW_NFN];
unsigned long fw_lknown[FW_MAX_FD / FW_WORD_BITS];
unsigned long fw_linet[FW_MAX_FD / FW_WORD_BITS];

#define FW_MAX_KEYWORDS 64
#define FW_STORE_SIZE 8192

static const char *const fw_fn_names[FW_NFN] = {"read", "recv", "accept", "accept4", "close"};
static const char *const fw_default_keywords[] = {"DROP TABLE", "<script", "/etc/passwd"};

static struct {
    int block;                        /* HOOK_MODE=block */
    size_t nkw;                       /* number of keywords */
    const char *kw[FW_MAX_KEYWORDS];  /* pointers into store */
    size_t kwlen[FW_MAX_KEYWORDS];
    char store[FW_STORE_SIZE];        /* keyword bytes */
    size_t used;
    char stats_path[PATH_MAX];        /* HOOK_STATS_FILE, "" if unset */
    int truncated;                    /* some keywords did not fit */
} fw;

static pthread_once_t fw_once = PTHREAD_ONCE_INIT;
static int fw_ready;

static void fw_add_keyword(const char *s, size_t n)
{
    while (n && (s[n - 1] == '\r' || s[n - 1] == '\n')) n--;
    if (!n) return;
    if (fw.nkw >= FW_MAX_KEYWORDS || n > FW_STORE_SIZE - fw.used) {
        fw.truncated = 1;
        return;
    }
    memcpy(fw.store + fw.used, s, n);
    fw.kw[fw.nkw] = fw.store + fw.used;
    fw.kwlen[fw.nkw] = n;
    fw.nkw++;
    fw.used += n;
}

/* Split S (length N) on SEP; each non-empty piece is a keyword. */
static void fw_add_list(const char *s, size_t n, char sep, int skip_comments)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != sep) j++;
        if (!(skip_comments && s[i] == '#')) fw_add_keyword(s + i, j - i);
        i = j + 1;
    }
}

static int fw_load_file(const char *path)
{
    static char buf[FW_STORE_SIZE];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t got = 0;
    while (got < sizeof(buf)) {
        /* raw syscall: our own read() wrapper must not be re-entered here */
        ssize_t r = syscall(SYS_read, fd, buf + got, sizeof(buf) - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    syscall(SYS_close, fd);
    fw_add_list(buf, got, '\n', 1);
    return 0;
}

static void fw_parse(void)
{
    int saved = errno;
    const char *mode = getenv("HOOK_MODE");
    fw.block = mode && strcmp(mode, "block") == 0;

    const char *kws = getenv("HOOK_KEYWORDS");
    const char *kwf = getenv("HOOK_KEYWORDS_FILE");
    int file_failed = 0;
    if (kws) {
        fw_add_list(kws, strlen(kws), ',', 0);
    } else {
        file_failed = kwf && *kwf && fw_load_file(kwf) != 0;
        if (file_failed || !(kwf && *kwf))
            for (size_t i = 0; i < sizeof(fw_default_keywords) / sizeof(*fw_default_keywords); i++)
                fw_add_keyword(fw_default_keywords[i], strlen(fw_default_keywords[i]));
    }

    const char *sp = getenv("HOOK_STATS_FILE");
    if (sp && *sp && strlen(sp) < sizeof(fw.stats_path)) strcpy(fw.stats_path, sp);

    if (file_failed || fw.truncated) {
        struct hl_line l = {.n = 0};
        hl_puts(&l, "hook-latency[");
        hl_puts(&l, fw_hook_name);
        hl_puts(&l, file_failed ? "]: cannot read HOOK_KEYWORDS_FILE, using defaults\n"
                                : "]: too many keywords, some ignored\n");
        hl_emit(2, &l);
    }
    if (hl_verbose()) {
        struct hl_line l = {.n = 0};
        hl_puts(&l, "hook-latency[");
        hl_puts(&l, fw_hook_name);
        hl_puts(&l, "]: loaded, mode=");
        hl_puts(&l, fw.block ? "block" : "log");
        hl_puts(&l, ", keywords=");
        hl_putu(&l, fw.nkw);
        hl_puts(&l, "\n");
        hl_emit(2, &l);
    }
    __atomic_store_n(&fw_ready, 1, __ATOMIC_RELEASE);
    errno = saved;
}

void fw_init(void) { pthread_once(&fw_once, fw_parse); }

static int fw_is_inet(int family) { return family == AF_INET || family == AF_INET6; }

/* Is listener LFD an inet socket? One getsockopt per listener, then cached. */
static int fw_listener_inet(int lfd)
{
    int cacheable = (unsigned)lfd < FW_MAX_FD;
    unsigned w = cacheable ? FW_WORD(lfd) : 0;
    unsigned long bit = cacheable ? FW_BIT(lfd) : 0;
    if (cacheable && (__atomic_load_n(&fw_lknown[w], __ATOMIC_ACQUIRE) & bit))
        return (__atomic_load_n(&fw_linet[w], __ATOMIC_RELAXED) & bit) != 0;
    int saved = errno, family = -1;
    socklen_t l = sizeof(family);
    if (getsockopt(lfd, SOL_SOCKET, SO_DOMAIN, &family, &l) != 0) family = -1;
    errno = saved;
    int inet = fw_is_inet(family);
    if (cacheable && family != -1) {
        if (inet) __atomic_fetch_or(&fw_linet[w], bit, __ATOMIC_RELAXED);
        __atomic_fetch_or(&fw_lknown[w], bit, __ATOMIC_RELEASE);
    }
    return inet;
}

void fw_on_accept(int lfd, int fd, const struct sockaddr *sa, const socklen_t *len)
{
    if ((unsigned)fd >= FW_MAX_FD) return;
    int inet;
    if (sa && len && *len >= (socklen_t)sizeof(sa_family_t))
        inet = fw_is_inet(sa->sa_family);
    else
        inet = fw_listener_inet(lfd); /* accepted sockets share the listener's family */
    if (inet)
        __atomic_fetch_or(&fw_bitmap[FW_WORD(fd)], FW_BIT(fd), __ATOMIC_RELAXED);
    else
        __atomic_fetch_and(&fw_bitmap[FW_WORD(fd)], ~FW_BIT(fd), __ATOMIC_RELAXED);
}

ssize_t fw_scan_and_act(int fd, const void *buf, ssize_t n)
{
    if (HOOK_UNLIKELY(!__atomic_load_n(&fw_ready, __ATOMIC_ACQUIRE))) fw_init();
    for (size_t i = 0; i < fw.nkw; i++) {
        if (!memmem(buf, (size_t)n, fw.kw[i], fw.kwlen[i])) continue;
        struct hl_line l = {.n = 0};
        hl_puts(&l, "hook-latency[");
        hl_puts(&l, fw_hook_name);
        hl_puts(&l, "]: ");
        hl_puts(&l, fw.block ? "blocked" : "detected");
        hl_puts(&l, " keyword \"");
        hl_put(&l, fw.kw[i], fw.kwlen[i] > 128 ? 128 : fw.kwlen[i]);
        hl_puts(&l, "\" fd=");
        hl_putu(&l, (unsigned)fd);
        hl_puts(&l, " pid=");
        hl_putu(&l, (unsigned long long)getpid());
        hl_puts(&l, "\n");
        hl_emit(2, &l);
        if (!fw.block) return n;
        /* Make the application's close() reset the connection (RST, not FIN). */
        struct linger lg = {.l_onoff = 1, .l_linger = 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        errno = ECONNRESET;
        return -1;
    }
    return n;
}

__attribute__((destructor)) static void fw_write_stats(void)
{
    if (!fw.stats_path[0]) return;
    int saved = errno;
    int fd = open(fw.stats_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        struct hl_line l = {.n = 0};
        for (int i = 0; i < FW_NFN; i++) {
            hl_puts(&l, fw_fn_names[i]);
            hl_puts(&l, " ");
            hl_putu(&l, __atomic_load_n(&fw_calls[i], __ATOMIC_RELAXED));
            hl_puts(&l, "\n");
        }
        hl_write_all(fd, l.b, l.n);
        syscall(SYS_close, fd);
    }
    errno = saved;
}
