#include <zlib.h>

// inflateInit2 is a macro (it passes ZLIB_VERSION and sizeof(z_stream)), which Swift cannot
// call: this wrapper can. windowBits 15 + 32: a 32 KiB window, gzip or zlib header detected.
static inline int czlib_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}

// Raw deflate (windowBits -15, no header): resuming a gzip member at an access point inside it
// (GzipIndex), and switching back to gzip headers for the members after it.
static inline int czlib_inflate_init_raw(z_stream *stream) {
    return inflateInit2(stream, -15);
}
static inline int czlib_inflate_reset_gzip(z_stream *stream) {
    return inflateReset2(stream, 15 + 32);
}
