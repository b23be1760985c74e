/* pin.c - CPU placement helper: sets a CPU affinity, then execs a command, or sets the affinity of
 * every thread of a running process.
 *
 *   pin CPUS -- PROG [ARGS...]    pin this process to CPUS, then execvp PROG (its threads and
 *                                 children inherit the affinity)
 *   pin CPUS -p PID               pin every thread in /proc/PID/task to CPUS
 *   pin -l                        print the CPUs this process may use (its affinity), e.g. "0-3"
 *
 * CPUS is a list ("0", "0,2-3") or "@N": the N-th CPU (0-based) of the CPUs this process may use
 * now, "@-1" the last. "@N" lets a pod pin its containers relative to whatever cpuset the node gives
 * them.
 *
 * Built static (make -C hook pin): LD_PRELOAD does not apply to a static binary, so the hook is
 * never loaded into the wrapper itself, only into the program it execs; and it runs in any
 * container image (glibc or musl, or none at all). It prints nothing unless something fails.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int usage(void)
{
    fputs("usage: pin CPUS -- PROG [ARGS...] | pin CPUS -p PID | pin -l\n"
          "  CPUS: a list such as 0,2-3, or @N (N-th allowed CPU, @-1 = last)\n",
          stderr);
    return 2;
}

static int allowed(cpu_set_t *set)
{
    CPU_ZERO(set);
    if (sched_getaffinity(0, sizeof *set, set) != 0) {
        perror("pin: sched_getaffinity");
        return -1;
    }
    return 0;
}

/* "@N": the N-th CPU of the allowed set (negative counts from the end). */
static int nth_allowed(const char *spec, cpu_set_t *out)
{
    char *end;
    long n = strtol(spec, &end, 10);
    cpu_set_t set;
    if (*spec == '\0' || *end != '\0' || allowed(&set) != 0) return -1;
    int count = CPU_COUNT(&set);
    if (n < 0) n += count;
    if (n < 0 || n >= count) {
        fprintf(stderr, "pin: @%s: only %d CPUs are allowed\n", spec, count);
        return -1;
    }
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (CPU_ISSET(cpu, &set) && n-- == 0) {
            CPU_ZERO(out);
            CPU_SET(cpu, out);
            return 0;
        }
    }
    return -1;
}

/* "0,2-3" */
static int parse_list(const char *spec, cpu_set_t *out)
{
    CPU_ZERO(out);
    const char *p = spec;
    while (*p) {
        char *end;
        long lo = strtol(p, &end, 10), hi = lo;
        if (end == p) return -1;
        if (*end == '-') {
            p = end + 1;
            hi = strtol(p, &end, 10);
            if (end == p) return -1;
        }
        if (lo < 0 || hi < lo || hi >= CPU_SETSIZE) return -1;
        for (long c = lo; c <= hi; c++) CPU_SET(c, out);
        if (*end == ',') end++;
        else if (*end != '\0') return -1;
        p = end;
    }
    return CPU_COUNT(out) > 0 ? 0 : -1;
}

static int parse_cpus(const char *spec, cpu_set_t *out)
{
    int rc = spec[0] == '@' ? nth_allowed(spec + 1, out) : parse_list(spec, out);
    if (rc != 0) fprintf(stderr, "pin: bad CPU list '%s'\n", spec);
    return rc;
}

static void print_list(const cpu_set_t *set)
{
    int first = 1;
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (!CPU_ISSET(c, set)) continue;
        int hi = c;
        while (hi + 1 < CPU_SETSIZE && CPU_ISSET(hi + 1, set)) hi++;
        printf(first ? "%d" : ",%d", c);
        if (hi > c) printf("-%d", hi);
        first = 0;
        c = hi;
    }
    printf("\n");
}

/* Every thread of PID; a thread that exits meanwhile (ESRCH) is no error. */
static int pin_pid(const char *pid, const cpu_set_t *set)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%s/task", pid);
    DIR *dir = opendir(path);
    if (!dir) {
        fprintf(stderr, "pin: %s: %s\n", path, strerror(errno));
        return 1;
    }
    int failed = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        if (e->d_name[0] == '.') continue;
        pid_t tid = (pid_t)strtol(e->d_name, NULL, 10);
        if (sched_setaffinity(tid, sizeof *set, set) != 0 && errno != ESRCH) {
            fprintf(stderr, "pin: thread %d: %s\n", (int)tid, strerror(errno));
            failed = 1;
        }
    }
    closedir(dir);
    return failed;
}

int main(int argc, char **argv)
{
    cpu_set_t set;
    if (argc == 2 && strcmp(argv[1], "-l") == 0) {
        if (allowed(&set) != 0) return 1;
        print_list(&set);
        return 0;
    }
    if (argc < 4 || parse_cpus(argv[1], &set) != 0) return usage();
    if (strcmp(argv[2], "-p") == 0 && argc == 4) return pin_pid(argv[3], &set);
    if (strcmp(argv[2], "--") != 0) return usage();
    if (sched_setaffinity(0, sizeof set, &set) != 0) {
        perror("pin: sched_setaffinity");
        return 126;
    }
    execvp(argv[3], argv + 3);
    fprintf(stderr, "pin: %s: %s\n", argv[3], strerror(errno));
    return 127;
}
