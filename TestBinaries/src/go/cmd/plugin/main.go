// plugin: imports plugin (dlopen through cgo). With arguments it tries
// plugin.Open on a path that does not exist.
package main

import (
	"fmt"
	"os"
	"plugin"
)

func main() {
	if len(os.Args) > 1 {
		_, err := plugin.Open("/nonexistent/plugin.so")
		fmt.Println("plugin.Open:", err)
		os.Exit(1)
	}
	fmt.Println("plugin ok")
}
