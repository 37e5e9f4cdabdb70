/*
 * exec-in-root: the test oracle for "does this file start in that root?".
 *
 *   exec-in-root ROOTDIR PATH_IN_ROOT [ARGS...]
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
 */
#include <errno.h>
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

int main(int argc, char **argv)
{
    static char *envp[] = {"PATH=/", NULL};

    if (argc < 3) {
        fprintf(stderr, "usage: exec-in-root ROOTDIR PATH_IN_ROOT [ARGS...]\n");
        return 125;
    }
    if (chroot(argv[1]) != 0) {
        fprintf(stderr, "exec-in-root: chroot %s: %s\n", argv[1], strerror(errno));
        return 125;
    }
    if (chdir("/") != 0) {
        fprintf(stderr, "exec-in-root: chdir /: %s\n", strerror(errno));
        return 125;
    }
    fflush(NULL);
    child = fork();
    if (child < 0) {
        fprintf(stderr, "exec-in-root: fork: %s\n", strerror(errno));
        return 125;
    }
    if (child == 0) {
        alarm(ALARM_SECONDS);
        execve(argv[2], argv + 2, envp);
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
