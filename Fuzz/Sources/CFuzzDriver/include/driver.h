#include <stddef.h>
#include <stdint.h>

// libFuzzer's entry for a program with its own main (libclang_rt.fuzzer_no_main).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*user_callback)(const uint8_t *data, size_t size));
