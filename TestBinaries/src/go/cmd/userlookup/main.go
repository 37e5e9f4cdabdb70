// userlookup: os/user.Current() and user.Lookup("root"). With cgo this links
// the libc getpwuid_r path; with osusergo or CGO_ENABLED=0 it reads
// /etc/passwd and /etc/group itself.
package main

import (
	"fmt"
	"os"
	"os/user"
)

func main() {
	u, err := user.Current()
	if err != nil {
		fmt.Fprintln(os.Stderr, "user.Current:", err)
		os.Exit(1)
	}
	fmt.Printf("current: uid=%s username=%s home=%s\n", u.Uid, u.Username, u.HomeDir)
	r, err := user.Lookup("root")
	if err != nil {
		fmt.Fprintln(os.Stderr, "user.Lookup(root):", err)
		os.Exit(1)
	}
	fmt.Printf("root: uid=%s home=%s\n", r.Uid, r.HomeDir)
}
