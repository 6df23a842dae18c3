package gguf

import (
	"errors"
	"strings"
	"testing"

	"github.com/ndview/ndview"
)

// A file on a pseudo file system is refused with ErrFormat and a remedy.
func TestOpenPseudoFile(t *testing.T) {
	_, err := Open("/proc/self/status")
	if !errors.Is(err, ndview.ErrFormat) || !strings.Contains(err.Error(), "copy it to a regular file system") {
		t.Fatalf("Open of /proc/self/status: %v, want ErrFormat with a remedy", err)
	}
}
