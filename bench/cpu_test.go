package main

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

// TestCPULine: on an x86 Linux machine the table's CPU line names vendor, family and model,
// as lscpu does.
func TestCPULine(t *testing.T) {
	s := cpuLine()
	t.Log(s)
	if !strings.HasPrefix(s, runtime.GOOS+"/"+runtime.GOARCH) {
		t.Fatalf("%q does not start with GOOS/GOARCH", s)
	}
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil || !strings.Contains(string(b), "vendor_id") {
		t.Skip("not an x86 Linux machine")
	}
	for _, want := range []string{" family ", " model "} {
		if !strings.Contains(s, want) {
			t.Errorf("%q lacks %q", s, want)
		}
	}
}
