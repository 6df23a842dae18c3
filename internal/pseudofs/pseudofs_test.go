package pseudofs

import (
	"os"
	"runtime"
	"testing"
)

func TestPseudoFileSystems(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("pseudo file systems are recognized on Linux only")
	}
	for path, want := range map[string]string{
		"/proc/self/status": "proc",
		"/proc/cpuinfo":     "proc",
		"/sys/kernel":       "sysfs",
		os.TempDir():        "",
		".":                 "",
	} {
		if _, err := os.Stat(path); err != nil {
			t.Logf("skipping %s: %v", path, err)
			continue
		}
		if got := Path(path); got != want {
			t.Errorf("Path(%s) = %q, want %q", path, got, want)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Logf("skipping File(%s): %v", path, err)
			continue
		}
		if got := File(f); got != want {
			t.Errorf("File(%s) = %q, want %q", path, got, want)
		}
		f.Close()
	}
}
