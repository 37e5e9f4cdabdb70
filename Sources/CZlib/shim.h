#include <zlib.h>

// inflateInit2 is a macro (it passes ZLIB_VERSION and sizeof(z_stream)), which Swift cannot
// call: this wrapper can. windowBits 15 + 32: a 32 KiB window, gzip or zlib header detected.
static inline int czlib_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}
