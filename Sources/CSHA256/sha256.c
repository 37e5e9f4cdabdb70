#include "csha256.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define CSHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// --- Portable ----------------------------------------------------------------------------

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static inline uint32_t load_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void blocks_portable(uint32_t state[8], const uint8_t *data, size_t blocks) {
    uint32_t w[64];
    while (blocks--) {
        for (int i = 0; i < 16; i++) w[i] = load_be32(data + 4 * i);
        for (int i = 16; i < 64; i++) {
            uint32_t s0 = ROTR(w[i - 15], 7) ^ ROTR(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = ROTR(w[i - 2], 17) ^ ROTR(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (int i = 0; i < 64; i++) {
            uint32_t S1 = ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25);
            uint32_t ch = (e & f) ^ (~e & g);
            uint32_t t1 = h + S1 + ch + K[i] + w[i];
            uint32_t S0 = ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22);
            uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
            uint32_t t2 = S0 + maj;
            h = g; g = f; f = e; e = d + t1;
            d = c; c = b; b = a; a = t1 + t2;
        }
        state[0] += a; state[1] += b; state[2] += c; state[3] += d;
        state[4] += e; state[5] += f; state[6] += g; state[7] += h;
        data += 64;
    }
}

// --- SHA-NI ------------------------------------------------------------------------------

#if CSHA256_X86
// The state is kept as ABEF and CDGH, the layout sha256rnds2 wants; each step does four rounds
// and, for the first twelve, extends the message schedule by four words
// (W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16]: msg1 adds s0, msg2 adds s1).
__attribute__((target("sha,sse4.1,ssse3")))
static void blocks_sha_ni(uint32_t state[8], const uint8_t *data, size_t blocks) {
    const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_loadu_si128((const __m128i *)&state[0]);     // DCBA
    __m128i state1 = _mm_loadu_si128((const __m128i *)&state[4]);  // HGFE
    tmp = _mm_shuffle_epi32(tmp, 0xB1);                             // CDAB
    state1 = _mm_shuffle_epi32(state1, 0x1B);                       // EFGH
    __m128i state0 = _mm_alignr_epi8(tmp, state1, 8);               // ABEF
    state1 = _mm_blend_epi16(state1, tmp, 0xF0);                    // CDGH

    while (blocks--) {
        const __m128i abef = state0, cdgh = state1;
        __m128i m[4];
        for (int i = 0; i < 4; i++)
            m[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * i)), byteswap);
#pragma GCC unroll 16
        for (int i = 0; i < 16; i++) {
            __m128i msg = _mm_add_epi32(m[i & 3], _mm_loadu_si128((const __m128i *)&K[4 * i]));
            state1 = _mm_sha256rnds2_epu32(state1, state0, msg);
            msg = _mm_shuffle_epi32(msg, 0x0E);
            state0 = _mm_sha256rnds2_epu32(state0, state1, msg);
            if (i < 12) {
                __m128i t = _mm_sha256msg1_epu32(m[i & 3], m[(i + 1) & 3]);
                t = _mm_add_epi32(t, _mm_alignr_epi8(m[(i + 3) & 3], m[(i + 2) & 3], 4));
                m[i & 3] = _mm_sha256msg2_epu32(t, m[(i + 3) & 3]);
            }
        }
        state0 = _mm_add_epi32(state0, abef);
        state1 = _mm_add_epi32(state1, cdgh);
        data += 64;
    }

    tmp = _mm_shuffle_epi32(state0, 0x1B);                          // FEBA
    state1 = _mm_shuffle_epi32(state1, 0xB1);                       // DCHG
    state0 = _mm_blend_epi16(tmp, state1, 0xF0);                    // DCBA
    state1 = _mm_alignr_epi8(state1, tmp, 8);                       // HGFE
    _mm_storeu_si128((__m128i *)&state[0], state0);
    _mm_storeu_si128((__m128i *)&state[4], state1);
}
#endif

int csha256_cpu_has_sha_ni(void) {
#if CSHA256_X86
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const int ssse3 = (c >> 9) & 1, sse41 = (c >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    const int sha = (b >> 29) & 1;
    return ssse3 && sse41 && sha;
#else
    return 0;
#endif
}

// -1: not decided yet; 0: portable; 1: SHA-NI. A race between first callers is harmless:
// every one of them stores the same value.
static int selected = -1;

int csha256_accelerated(void) {
    int s = __atomic_load_n(&selected, __ATOMIC_RELAXED);
    if (s < 0) {
        s = csha256_cpu_has_sha_ni();
        __atomic_store_n(&selected, s, __ATOMIC_RELAXED);
    }
    return s;
}

void csha256_set_accelerated(int on) {
    __atomic_store_n(&selected, on ? csha256_cpu_has_sha_ni() : 0, __ATOMIC_RELAXED);
}

static void blocks(uint32_t state[8], const uint8_t *data, size_t count) {
#if CSHA256_X86
    if (csha256_accelerated()) { blocks_sha_ni(state, data, count); return; }
#endif
    blocks_portable(state, data, count);
}

// --- Streaming ---------------------------------------------------------------------------

void csha256_init(csha256_ctx *ctx) {
    static const uint32_t initial[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };
    memcpy(ctx->state, initial, sizeof initial);
    ctx->length = 0;
    ctx->buffered = 0;
}

void csha256_update(csha256_ctx *ctx, const void *data, size_t count) {
    const uint8_t *p = data;
    ctx->length += count;
    if (ctx->buffered) {
        size_t take = 64 - ctx->buffered;
        if (take > count) take = count;
        memcpy(ctx->block + ctx->buffered, p, take);
        ctx->buffered += (uint32_t)take;
        p += take;
        count -= take;
        if (ctx->buffered < 64) return;
        blocks(ctx->state, ctx->block, 1);
        ctx->buffered = 0;
    }
    if (count >= 64) {
        blocks(ctx->state, p, count / 64);
        p += count & ~(size_t)63;
        count &= 63;
    }
    if (count) {
        memcpy(ctx->block, p, count);
        ctx->buffered = (uint32_t)count;
    }
}

void csha256_final(csha256_ctx *ctx, uint8_t digest[32]) {
    const uint64_t bits = ctx->length * 8;
    uint32_t n = ctx->buffered;
    ctx->block[n++] = 0x80;
    if (n > 56) {
        memset(ctx->block + n, 0, 64 - n);
        blocks(ctx->state, ctx->block, 1);
        n = 0;
    }
    memset(ctx->block + n, 0, 56 - n);
    for (int i = 0; i < 8; i++) ctx->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    blocks(ctx->state, ctx->block, 1);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(ctx->state[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(ctx->state[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(ctx->state[i] >> 8);
        digest[4 * i + 3] = (uint8_t)ctx->state[i];
    }
    ctx->buffered = 0;
}
