// Times whole processes in turn: round 1 runs every command once, then round 2, and so on, so
// that the machine's drift (other tenants, page cache, writeback) reaches every command alike;
// each round has its own random order.
// hyperfine runs all the runs of one command before the next, which on a shared machine can
// move a ratio by a third between two runs of the same benchmark.
//
// usage: interleave WARMUP ROUNDS OUT.json -- CMD ARGS... -- CMD ARGS...
// Writes {"commands": [...], "ns": [[round 0 of each command], ...], "maxrss_kib": [...]};
// stdout and stderr of the commands go to /dev/null. maxrss_kib is each command's peak resident
// set over its runs, as wait4 reports it: the largest of the process and every descendant it
// waited for (a shell script's is that of its biggest child).
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long long run(char **argv, int devnull, long *maxrss) {
    long long t0 = now_ns();
    pid_t pid = fork();
    if (pid < 0) { perror("interleave: fork"); exit(2); }
    if (pid == 0) {
        dup2(devnull, 1);
        dup2(devnull, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) { perror("interleave: wait4"); exit(2); }
    long long d = now_ns() - t0;
    if (ru.ru_maxrss > *maxrss) *maxrss = ru.ru_maxrss;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
        fprintf(stderr, "interleave: cannot run %s\n", argv[0]);
        exit(2);
    }
    return d;
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: interleave WARMUP ROUNDS OUT.json -- CMD ARGS... [-- CMD ARGS...]\n");
        return 64;
    }
    int warmup = atoi(argv[1]), rounds = atoi(argv[2]);
    const char *out = argv[3];
    char **cmds[64];
    int n = 0;
    for (int i = 4; i < argc && n < 64; i++) {
        if (strcmp(argv[i], "--") == 0) {
            argv[i] = NULL;   // ends the previous command's argv
            if (i + 1 < argc) cmds[n++] = &argv[i + 1];
        }
    }
    if (n == 0 || rounds < 1) { fprintf(stderr, "interleave: no commands\n"); return 64; }
    int devnull = open("/dev/null", O_WRONLY);
    long long *ns = calloc((size_t)rounds * (size_t)n, sizeof *ns);
    long rss[64] = {0};
    if (devnull < 0 || ns == NULL) { perror("interleave"); return 2; }
    // Each round runs the commands in a new random order: a command run right after a heavy
    // one (go version -m) meets cold caches, and no command should always be that one.
    int order[64];
    unsigned long long seed = 0x9e3779b97f4a7c15ULL;
    for (int r = -warmup; r < rounds; r++) {
        for (int k = 0; k < n; k++) order[k] = k;
        for (int k = n - 1; k > 0; k--) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            int j = (int)((seed >> 33) % (unsigned long long)(k + 1));
            int t = order[k]; order[k] = order[j]; order[j] = t;
        }
        for (int k = 0; k < n; k++) {
            int c = order[k];
            long long d = run(cmds[c], devnull, &rss[c]);
            if (r >= 0) ns[(size_t)r * n + c] = d;
        }
    }
    FILE *f = fopen(out, "w");
    if (!f) { perror(out); return 2; }
    fprintf(f, "{\"commands\": [");
    for (int c = 0; c < n; c++) {
        fprintf(f, "%s\"", c ? ", " : "");
        for (char **a = cmds[c]; *a; a++) {
            for (const char *p = *a; *p; p++) {
                if (*p == '"' || *p == '\\') fputc('\\', f);
                fputc(*p, f);
            }
            if (a[1]) fputc(' ', f);
        }
        fputc('"', f);
    }
    fprintf(f, "], \"ns\": [");
    for (int r = 0; r < rounds; r++) {
        fprintf(f, "%s[", r ? ", " : "");
        for (int c = 0; c < n; c++) fprintf(f, "%s%lld", c ? ", " : "", ns[(size_t)r * n + c]);
        fputc(']', f);
    }
    fprintf(f, "], \"maxrss_kib\": [");
    for (int c = 0; c < n; c++) fprintf(f, "%s%ld", c ? ", " : "", rss[c]);
    fprintf(f, "]}\n");
    fclose(f);
    return 0;
}
