/* Calls into libdemo.so.1, found through DT_RUNPATH $ORIGIN/lib: starts only where
 * the library sits in lib/ next to the program. */
#include <stdio.h>

int demo_answer(void);

int main(void) {
    printf("%d\n", demo_answer());
    return 0;
}
