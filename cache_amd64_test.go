//go:build amd64 && !noasm

package ndview

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLastLevelCache: the largest cache CPUID describes is the largest data or unified cache
// Linux lists under /sys/devices/system/cpu/cpu0/cache (which it reads from the same leaves),
// and the streaming kernels' non-temporal stores start at three quarters of it, at least at
// parallelBytes.
func TestLastLevelCache(t *testing.T) {
	got := lastLevelCache()
	t.Logf("last-level cache: %d KiB; non-temporal stores from %d KiB", got>>10, ntThreshold()>>10)
	dirs, _ := filepath.Glob("/sys/devices/system/cpu/cpu0/cache/index*")
	if len(dirs) == 0 {
		t.Skip("no /sys/devices/system/cpu/cpu0/cache to compare with")
	}
	if sig, linux := cpuidSignature(), procSignature(); sig != linux {
		// qemu-user (CI's x86 stage) emulates CPUID and passes the host's files through.
		t.Skipf("CPUID describes %q, Linux %q: an emulator", sig, linux)
	}
	want := 0
	for _, d := range dirs {
		typ, err1 := os.ReadFile(filepath.Join(d, "type"))
		size, err2 := os.ReadFile(filepath.Join(d, "size"))
		if err1 != nil || err2 != nil {
			t.Skipf("%s: %v %v", d, err1, err2)
		}
		if strings.TrimSpace(string(typ)) == "Instruction" {
			continue
		}
		s := strings.TrimSpace(string(size))
		kib, err := strconv.Atoi(strings.TrimSuffix(s, "K"))
		if err != nil || !strings.HasSuffix(s, "K") {
			t.Skipf("%s: size %q", d, s)
		}
		want = max(want, kib<<10)
	}
	if got != want {
		t.Errorf("lastLevelCache() = %d bytes, Linux lists %d", got, want)
	}
}

// cpuidSignature is the CPU's vendor, family and model as CPUID gives them, in the words of
// /proc/cpuinfo.
func cpuidSignature() string {
	_, b, c, d := cpuid(0, 0)
	vendor := string([]byte{byte(b), byte(b >> 8), byte(b >> 16), byte(b >> 24),
		byte(d), byte(d >> 8), byte(d >> 16), byte(d >> 24),
		byte(c), byte(c >> 8), byte(c >> 16), byte(c >> 24)})
	a, _, _, _ := cpuid(1, 0)
	family, model := int(a>>8&0xf), int(a>>4&0xf)
	if family == 0xf {
		family += int(a >> 20 & 0xff)
	}
	if family == 0x6 || family >= 0xf {
		model += int(a>>16&0xf) << 4
	}
	return vendor + " " + strconv.Itoa(family) + " " + strconv.Itoa(model)
}

// procSignature is the first CPU's vendor, family and model in /proc/cpuinfo.
func procSignature() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	f := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			if len(f) > 0 {
				break
			}
			continue
		}
		f[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return f["vendor_id"] + " " + f["cpu family"] + " " + f["model"]
}
