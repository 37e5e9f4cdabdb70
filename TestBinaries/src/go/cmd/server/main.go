// server: a typical web service. With no arguments it prints "server ok" and
// exits 0, but net/http, the net resolver and crypto/x509 system roots are
// linked in (reachable from main), as in a real service.
//
//	server serve   listens on :8080
//	server fetch   GETs https://example.com (needs DNS + a CA bundle)
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
)

// version is set with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	fmt.Println("server version", version)
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "serve":
			http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintln(w, "ok")
			})
			if err := http.ListenAndServe(":8080", nil); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			return
		case "fetch":
			resp, err := http.Get("https://example.com")
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			defer resp.Body.Close()
			n, _ := io.Copy(io.Discard, resp.Body)
			fmt.Println("fetched", resp.Status, n, "bytes")
			return
		}
	}
	fmt.Println("server ok")
}
