package ndview

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// Files on pseudo file systems are regular by mode, report size 0 (or a page) and make their
// content when read: MapFile refuses them with ErrFormat and names the copying reader,
// instead of mapping an empty or meaningless view.
func TestMapFileRefusesPseudoFiles(t *testing.T) {
	tried := 0
	for _, p := range []string{"/proc/self/status", "/proc/cpuinfo", "/sys/kernel/mm/transparent_hugepage/enabled", "/sys/devices/system/cpu/online"} {
		if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		tried++
		m, err := MapFile(p, false)
		if !errors.Is(err, ErrFormat) {
			if m != nil {
				m.Close()
			}
			t.Fatalf("MapFile(%s): %v, want ErrFormat", p, err)
		}
		if !strings.Contains(err.Error(), "os.ReadFile and ndview.FromBytes") {
			t.Errorf("MapFile(%s): %q names no remedy", p, err)
		}
	}
	if tried == 0 {
		t.Skip("no /proc or /sys files here")
	}
}
