// SHA-256 (FIPS 180-4): a portable C implementation and, on x86-64 processors with the SHA
// extensions (SHA-NI), one that uses them, chosen once at run time by cpuid.
#ifndef CSHA256_H
#define CSHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct csha256_ctx {
    uint32_t state[8];
    uint64_t length;      // bytes hashed so far
    uint8_t block[64];    // a partial block
    uint32_t buffered;    // bytes in block
} csha256_ctx;

void csha256_init(csha256_ctx *ctx);
void csha256_update(csha256_ctx *ctx, const void *data, size_t count);
// Writes the 32-byte digest; ctx is left finished (init it again to reuse it).
void csha256_final(csha256_ctx *ctx, uint8_t digest[32]);

// 1 when the processor has SHA-NI (and SSSE3, SSE4.1), else 0.
int csha256_cpu_has_sha_ni(void);
// 1 when csha256_update uses SHA-NI now.
int csha256_accelerated(void);
// Chooses the implementation: 0 forces the portable one, 1 uses SHA-NI when the processor
// has it (the default). For tests and measurements; set it before hashing starts.
void csha256_set_accelerated(int on);

#endif
