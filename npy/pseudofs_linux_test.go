package npy

import (
	"errors"
	"strings"
	"testing"

	"github.com/ndview/ndview"
)

// A file on a pseudo file system is refused with ErrFormat, naming npy.Load, which reads it.
func TestMapPseudoFile(t *testing.T) {
	_, err := Map[uint8]("/proc/self/status", false)
	if !errors.Is(err, ndview.ErrFormat) || !strings.Contains(err.Error(), "use npy.Load") {
		t.Fatalf("Map of /proc/self/status: %v, want ErrFormat naming npy.Load", err)
	}
}
