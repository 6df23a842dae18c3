package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
)

// cpuLine names the CPU a table was measured on, as lscpu does (vendor, family, model), with
// the features the vector kernels are chosen by, so that a table printed on a new machine
// carries what must be quoted beside it. It reads /proc/cpuinfo; elsewhere it says only
// GOARCH and the number of CPUs.
func cpuLine() string {
	s := fmt.Sprintf("%s/%s, %d CPUs", runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return s
	}
	defer f.Close()
	info := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20) // the flags line is long
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			if len(info) > 0 { // the first processor's block has ended
				break
			}
			continue
		}
		info[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	if info["vendor_id"] != "" { // x86
		flags := strings.Fields(info["flags"])
		var have []string
		for _, want := range []string{"avx2", "f16c", "fma", "avx512f", "avx512bw", "avx512vl"} {
			for _, fl := range flags {
				if fl == want {
					have = append(have, want)
					break
				}
			}
		}
		return fmt.Sprintf("%s; %s family %s model %s (%s); %s", s, info["vendor_id"],
			info["cpu family"], info["model"], info["model name"], strings.Join(have, " "))
	}
	if info["CPU implementer"] != "" { // arm64
		return fmt.Sprintf("%s; implementer %s part %s variant %s; %s", s, info["CPU implementer"],
			info["CPU part"], info["CPU variant"], info["Features"])
	}
	return s
}
