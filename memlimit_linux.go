package ndview

import (
	"os"
	"path"
	"strconv"
	"strings"
	"syscall"
)

// physicalMemory returns the machine's RAM in bytes, or 0 if it cannot be read.
func physicalMemory() uint64 {
	var si syscall.Sysinfo_t
	if syscall.Sysinfo(&si) != nil {
		return 0
	}
	return uint64(si.Totalram) * uint64(si.Unit)
}

// cgroupMemoryLimit returns the smallest memory limit set on the process's control group or
// any of its ancestors (cgroup v2 memory.max, v1 memory.limit_in_bytes), or 0 if none is set
// or the files cannot be read. It finds the group in /proc/self/cgroup and the mount in
// /proc/self/mountinfo, as the Go runtime does for CPU limits.
func cgroupMemoryLimit() uint64 {
	groups, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return 0
	}
	mounts, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return 0
	}
	return cgroupLimit(string(groups), string(mounts), readLimit)
}

// cgroupLimit is cgroupMemoryLimit over the texts of /proc/self/cgroup and
// /proc/self/mountinfo, reading limit files with read (0: none).
func cgroupLimit(groups, mounts string, read func(name string) uint64) uint64 {
	var v1, v2 string
	for _, line := range strings.Split(groups, "\n") {
		// hierarchy-ID:controller-list:cgroup-path
		f := strings.SplitN(line, ":", 3)
		if len(f) != 3 {
			continue
		}
		if f[0] == "0" && f[1] == "" {
			v2 = f[2]
		}
		for _, c := range strings.Split(f[1], ",") {
			if c == "memory" {
				v1 = f[2]
			}
		}
	}
	best := uint64(0)
	take := func(dir, rel, file string) {
		for {
			if m := read(path.Join(dir, rel, file)); m > 0 && (best == 0 || m < best) {
				best = m
			}
			if rel == "/" || rel == "." || rel == "" {
				return
			}
			rel = path.Dir(rel)
		}
	}
	for _, line := range strings.Split(mounts, "\n") {
		// id parent major:minor root mountpoint options [optional...] - fstype source superoptions
		f := strings.Fields(line)
		sep := -1
		for i, x := range f {
			if x == "-" {
				sep = i
				break
			}
		}
		if sep < 5 || sep+3 > len(f) {
			continue
		}
		root, point, fstype := f[3], f[4], f[sep+1]
		switch {
		case fstype == "cgroup2" && v2 != "":
			if rel, ok := cgroupRel(root, v2); ok {
				take(point, rel, "memory.max")
			}
		case fstype == "cgroup" && v1 != "" && hasOption(f[sep+2:], "memory"):
			if rel, ok := cgroupRel(root, v1); ok {
				take(point, rel, "memory.limit_in_bytes")
			}
		}
	}
	return best
}

// within returns group's path relative to a mount whose root is root.
func cgroupRel(root, group string) (string, bool) {
	if root == "/" {
		return group, true
	}
	if group == root {
		return "/", true
	}
	if strings.HasPrefix(group, root+"/") {
		return group[len(root):], true
	}
	return "", false
}

func hasOption(fields []string, opt string) bool {
	for _, f := range fields {
		for _, o := range strings.Split(f, ",") {
			if o == opt {
				return true
			}
		}
	}
	return false
}

// readLimit reads a cgroup memory limit file: "max" (v2) or a number of bytes; v1 writes
// "no limit" as a number near 2**63, which the caller's minimum with physical memory absorbs.
func readLimit(name string) uint64 {
	b, err := os.ReadFile(name)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0 // "max", or unreadable
	}
	return n
}
