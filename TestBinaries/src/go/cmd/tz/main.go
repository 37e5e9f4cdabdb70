// tz: time.LoadLocation("Europe/Paris"); fails in an image without zoneinfo
// unless built with -tags timetzdata (or importing time/tzdata).
package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	_ = time.Date(2024, 1, 1, 12, 0, 0, 0, loc)
	fmt.Println("tz ok")
}
