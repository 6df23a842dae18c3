//go:build !duckdb_arrow

package main

import (
	"fmt"
	"os"
)

// Without the duckdb_arrow tag duckdb-go has no Arrow interface: say how to build.
func main() {
	fmt.Fprintln(os.Stderr, "build with: go run -tags duckdb_arrow .")
	os.Exit(2)
}
