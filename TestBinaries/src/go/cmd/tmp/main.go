// tmp: os.CreateTemp("", "x"); fails in a scratch image (no /tmp).
package main

import (
	"fmt"
	"os"
)

func main() {
	f, err := os.CreateTemp("", "x")
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	fmt.Println("tmp ok")
}
