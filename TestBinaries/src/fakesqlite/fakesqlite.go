// Package fakesqlite is a tiny cgo package standing in for
// github.com/mattn/go-sqlite3: it links C code into the binary, so a build
// with CGO_ENABLED=1 is dynamic (PT_INTERP, DT_NEEDED libc.so.6) unless it is
// linked externally with -extldflags "-static".
package fakesqlite

/*
#include <stdlib.h>
#include <string.h>

static int fake_sqlite3_libversion_number(void) { return 3045001; }

static size_t fake_strlen(const char *s) { return strlen(s); }
*/
import "C"

import "unsafe"

// Version returns the version number reported by the C side.
func Version() int { return int(C.fake_sqlite3_libversion_number()) }

// Len measures a string with the C library's strlen.
func Len(s string) int {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	return int(C.fake_strlen(cs))
}
