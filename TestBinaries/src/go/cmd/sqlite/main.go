// sqlite: imports the local cgo module example.com/fakesqlite, standing in
// for github.com/mattn/go-sqlite3.
package main

import (
	"fmt"

	"example.com/fakesqlite"
)

func main() {
	fmt.Println("sqlite version", fakesqlite.Version(), "len", fakesqlite.Len("hello"))
}
