/*
 * exec-in-root: the test oracle for "does this file start in that root?".
 *
 *   exec-in-root ROOTDIR PATH_IN_ROOT [ARGS...]
 *
 * chroot(ROOTDIR), chdir("/"), alarm(10) (the alarm survives execve, so a
 * program that hangs is killed by SIGALRM), then a DIRECT
 * execve(PATH_IN_ROOT, argv, {"PATH=/", NULL}): no execvp, no PATH search,
 * no fallback to /bin/sh for ENOEXEC. argv[0] is PATH_IN_ROOT.
 *
 * If execve fails, prints exactly "EXEC-FAILED <ERRNO_NAME> <errno>" to
 * stderr and exits 126. Otherwise the exit status and output are those of
 * the program. Setup failures (usage, chroot, chdir) exit 125 with a
 * message that does not start with EXEC-FAILED.
 *
 * Must run as root (chroot). Built with gcc -static so it needs nothing
 * from the root it enters.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
    alarm(10);
    execve(argv[2], argv + 2, envp);
    {
        int e = errno;
        fprintf(stderr, "EXEC-FAILED %s %d\n", errno_name(e), e);
    }
    return 126;
}
