/* No C library: writes "started", then calls demo_answer from libmini.so.1 and exits with
 * its value. Built lazy (the call is a PLT slot bound at its first call) and with -z now;
 * -DDATA reads demo_value instead (a data reference: bound at start even when lazy). */
extern int demo_answer(void);
extern int demo_value;

static long sys3(long n, long a, long b, long c) {
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

void _start(void) {
    sys3(1, 1, (long)"started\n", 8);
#ifdef DATA
    long r = demo_value;
#else
    long r = demo_answer();
#endif
    sys3(60, r, 0, 0);
    for (;;) {}
}
