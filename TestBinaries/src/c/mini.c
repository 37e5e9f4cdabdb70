/* libmini.so.1: a shared library that needs no C library, in two builds with the same
 * soname and versions (mini.map): the new one defines demo_answer and demo_value in MINI_2,
 * the old one (-DOLD) defines MINI_2 with only demo_other. A program linked against the new
 * one loads the old one (no missing library, no missing version) and then cannot bind
 * demo_answer@MINI_2: SE110 undefined-symbol. */
int demo_base(void) { return 1; }
#ifdef OLD
int demo_other(void) { return 3; }
#else
int demo_answer(void) { return 42; }
int demo_value = 42;
#endif
