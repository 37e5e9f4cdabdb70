/*
 * exec-in-root: the test oracle for "does this file start in that root?".
 *
 *   exec-in-root [-w DIR] [-e NAME=VALUE]... [-u UID:GID] [-l] ROOTDIR PATH_IN_ROOT [ARGS...]
 *
 * chroot(ROOTDIR), chdir("/"), then in a child: alarm(10) (it survives
 * execve) and a DIRECT execve(PATH_IN_ROOT, argv, {"PATH=/", NULL}): no
 * execvp, no PATH search, no fallback to /bin/sh for ENOEXEC. argv[0] is
 * PATH_IN_ROOT.
 *
 * Why a child and a watchdog: the alarm alone does not stop Go programs.
 * The Go runtime installs a handler for SIGALRM and, without signal.Notify,
 * ignores it ("other signals will be caught but no action will be taken"),
 * so `server serve` ran forever. The parent therefore SIGKILLs the child if
 * it is still running 11 seconds after the start and says so on stderr
 * ("exec-in-root: TIMEOUT ...").
 *
 * If execve fails, prints exactly "EXEC-FAILED <ERRNO_NAME> <errno>" to
 * stderr and exits 126. Otherwise the output is the program's, and so is
 * the exit status: a normal exit code is passed on, a death by signal is
 * re-raised on the parent (core dumps disabled), so the caller's wait status
 * matches the program's. Setup failures (usage, chroot, chdir, fork) exit 125
 * with a message that does not start with EXEC-FAILED.
 *
 * Must run as root (chroot). Built with gcc -static so it needs nothing
 * from the root it enters.
 *
 * Options (for container images, TestBinaries/make-images.sh; without them
 * the behaviour above is unchanged):
 *   -w DIR        chdir(DIR) inside the root instead of "/" (WorkingDir);
 *                 failure is a setup failure (exit 125).
 *   -e NAME=VAL   the environment, in order (repeatable); when given at
 *                 least once it replaces {"PATH=/"} entirely.
 *   -u UID:GID    in the child, setgroups(0), setgid(GID), setuid(UID)
 *                 before execve (the image's USER, resolved by the caller).
 *   -l            look PATH_IN_ROOT up as runc does before it execs (Go's
 *                 exec.LookPath, run inside the root with the -e PATH): a
 *                 name without '/' is searched in PATH (an empty entry is
 *                 "."), a name with '/' is checked as is; a candidate must
 *                 stat as a non-directory with some execute bit. argv[0]
 *                 stays the name as given. When nothing qualifies, prints
 *                 "LOOKUP-FAILED <ERRNO_NAME> <name>" on stderr (ENOENT for
 *                 a name not found in PATH; for a path: stat's errno, EISDIR,
 *                 or EACCES when no execute bit is set) and exits 126
 *                 without calling execve.
 */
#include <errno.h>
#include <grp.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define ALARM_SECONDS 10
#define WATCHDOG_SECONDS 11

static volatile sig_atomic_t timed_out;
static pid_t child;

static void on_watchdog(int sig)
{
    (void)sig;
    timed_out = 1;
    if (child > 0)
        kill(child, SIGKILL);
}

static const char *errno_name(int e)
{
    switch (e) {
    case ENOENT: return "ENOENT";
    case ENOEXEC: return "ENOEXEC";
    case EACCES: return "EACCES";
    case EIO: return "EIO";
    case ELIBBAD: return "ELIBBAD";
    case ENOTDIR: return "ENOTDIR";
    case EPERM: return "EPERM";
    case E2BIG: return "E2BIG";
    case ETXTBSY: return "ETXTBSY";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOMEM: return "ENOMEM";
    case EINVAL: return "EINVAL";
    case EISDIR: return "EISDIR";
    case ELIBMAX: return "ELIBMAX";
    case EFAULT: return "EFAULT";
    default: return "E?";
    }
}

/* Go's exec.findExecutable: stat, not a directory, some execute bit. On failure
 * sets lookup_errno: stat's errno, EISDIR, or EACCES (no execute bit). */
static int lookup_errno;
static int executable(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        lookup_errno = errno;
    else if (S_ISDIR(st.st_mode))
        lookup_errno = EISDIR;
    else if ((st.st_mode & 0111) == 0)
        lookup_errno = EACCES;
    else
        return 1;
    return 0;
}

/* Go's exec.LookPath, with the PATH of envp (filepath.SplitList: an empty
 * PATH has no entries, an empty entry is "."). Returns a malloc'ed path or NULL. */
static char *look_path(const char *name, char **envp)
{
    const char *path = "";
    const char *p;
    size_t i;
    if (strchr(name, '/') != NULL)
        return executable(name) ? strdup(name) : NULL;
    for (i = 0; envp[i] != NULL; i++)
        if (strncmp(envp[i], "PATH=", 5) == 0)
            path = envp[i] + 5; /* the last PATH= wins, as with a dedup'ed env */
    lookup_errno = ENOENT; /* Go: exec.ErrNotFound, whatever the candidates said */
    if (*path == '\0')
        return NULL;
    for (p = path;;) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *cand = malloc(len + strlen(name) + 3);
        if (cand == NULL)
            return NULL;
        if (len == 0)
            sprintf(cand, "./%s", name);
        else
            sprintf(cand, "%.*s/%s", (int)len, p, name);
        if (executable(cand))
            return cand;
        lookup_errno = ENOENT;
        free(cand);
        if (end == NULL)
            return NULL;
        p = end + 1;
    }
}

int main(int argc, char **argv)
{
    static char *default_env[] = {"PATH=/", NULL};
    char **envp = default_env;
    char **user_env = calloc((size_t)argc + 1, sizeof *user_env);
    size_t nenv = 0;
    const char *workdir = "/";
    const char *prog;
    int lookup = 0, set_user = 0;
    unsigned long uid = 0, gid = 0;

    if (user_env == NULL) {
        fprintf(stderr, "exec-in-root: out of memory\n");
        return 125;
    }
    while (argc > 1 && argv[1][0] == '-' && argv[1][1] != '\0' && argv[1][2] == '\0') {
        char opt = argv[1][1];
        if (opt == 'l') {
            lookup = 1;
            argv++, argc--;
            continue;
        }
        if (argc < 3 || (opt != 'w' && opt != 'e' && opt != 'u'))
            break;
        if (opt == 'w')
            workdir = argv[2];
        else if (opt == 'e')
            user_env[nenv++] = argv[2];
        else {
            char *end;
            uid = strtoul(argv[2], &end, 10);
            if (*end != ':' || end == argv[2]) {
                fprintf(stderr, "exec-in-root: -u wants UID:GID, got %s\n", argv[2]);
                return 125;
            }
            gid = strtoul(end + 1, &end, 10);
            if (*end != '\0') {
                fprintf(stderr, "exec-in-root: -u wants UID:GID, got %s\n", argv[2]);
                return 125;
            }
            set_user = 1;
        }
        argv += 2, argc -= 2;
    }
    if (nenv > 0)
        envp = user_env;
    if (argc < 3 || argv[1][0] == '-') {
        fprintf(stderr, "usage: exec-in-root [-w DIR] [-e NAME=VALUE]... [-u UID:GID] [-l] ROOTDIR PATH_IN_ROOT [ARGS...]\n");
        return 125;
    }
    if (chroot(argv[1]) != 0) {
        fprintf(stderr, "exec-in-root: chroot %s: %s\n", argv[1], strerror(errno));
        return 125;
    }
    if (chdir(workdir) != 0) {
        fprintf(stderr, "exec-in-root: chdir %s: %s\n", workdir, strerror(errno));
        return 125;
    }
    prog = argv[2];
    if (lookup) {
        char *found = look_path(argv[2], envp);
        if (found == NULL) {
            fprintf(stderr, "LOOKUP-FAILED %s %s\n", errno_name(lookup_errno), argv[2]);
            return 126;
        }
        prog = found;
    }
    fflush(NULL);
    child = fork();
    if (child < 0) {
        fprintf(stderr, "exec-in-root: fork: %s\n", strerror(errno));
        return 125;
    }
    if (child == 0) {
        if (set_user && (setgroups(0, NULL) != 0 || setgid((gid_t)gid) != 0 || setuid((uid_t)uid) != 0)) {
            fprintf(stderr, "exec-in-root: setting user %lu:%lu: %s\n", uid, gid, strerror(errno));
            _exit(125);
        }
        alarm(ALARM_SECONDS);
        execve(prog, argv + 2, envp);
        {
            int e = errno;
            fprintf(stderr, "EXEC-FAILED %s %d\n", errno_name(e), e);
        }
        _exit(126);
    }

    {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_watchdog;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: waitpid returns EINTR */
        alarm(WATCHDOG_SECONDS);
    }
    for (;;) {
        int status;
        pid_t r = waitpid(child, &status, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "exec-in-root: waitpid: %s\n", strerror(errno));
            return 125;
        }
        alarm(0);
        if (timed_out)
            fprintf(stderr, "exec-in-root: TIMEOUT after %ds, killed %s\n",
                    WATCHDOG_SECONDS, argv[2]);
        if (WIFEXITED(status))
            return WEXITSTATUS(status);
        if (WIFSIGNALED(status)) {
            int sig = WTERMSIG(status);
            /* 1, not 0: a limit below one page stops file core dumps, and
             * exactly 1 also stops core_pattern pipe handlers. */
            struct rlimit nocore = {1, 1};
            setrlimit(RLIMIT_CORE, &nocore);
            signal(sig, SIG_DFL);
            kill(getpid(), sig);
            return 128 + sig; /* signal could not be re-raised */
        }
    }
}
