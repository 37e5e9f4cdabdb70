// hello: the smallest Go program (fmt only); static whenever cgo is unused.
package main

import "fmt"

func main() {
	fmt.Println("hello from go")
}
