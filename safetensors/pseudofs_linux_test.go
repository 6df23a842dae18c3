package safetensors

import (
	"errors"
	"strings"
	"testing"

	"github.com/ndview/ndview"
)

// A file on a pseudo file system is refused with ErrFormat and a remedy.
func TestOpenPseudoFile(t *testing.T) {
	_, err := Open("/proc/self/status")
	if !errors.Is(err, ndview.ErrFormat) || !strings.Contains(err.Error(), "copy the file to a regular file system") {
		t.Fatalf("Open of /proc/self/status: %v, want ErrFormat with a remedy", err)
	}
}

// A directory is named as one, with the way to open a sharded checkpoint.
func TestOpenDirectory(t *testing.T) {
	_, err := Open(t.TempDir())
	if !errors.Is(err, ndview.ErrFormat) || !strings.Contains(err.Error(), "a directory") || !strings.Contains(err.Error(), "index.json") {
		t.Fatalf("Open of a directory: %v", err)
	}
}
