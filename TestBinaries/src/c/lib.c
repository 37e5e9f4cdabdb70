/* A tiny shared library: built as libdemo.so (soname libdemo.so.1) and as an
 * ar archive libdemo.a. */
#include <string.h>

int demo_answer(void) { return 42; }

unsigned long demo_len(const char *s) { return (unsigned long)strlen(s); }
