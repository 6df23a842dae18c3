// Package pseudofs recognizes files on Linux's pseudo file systems (proc, sysfs, debugfs,
// tracefs, cgroup, cgroup2, securityfs, configfs). Their files are regular by mode but have
// no fixed content: most report size 0 (or a page) and produce their text when read, so
// mapping one gives an empty or meaningless view. ndview's mapping functions refuse them.
package pseudofs

// magics are the statfs f_type values of the pseudo file systems (linux/magic.h).
var magics = map[int64]string{
	0x9fa0:     "proc",
	0x62656572: "sysfs",
	0x64626720: "debugfs",
	0x74726163: "tracefs",
	0x27e0eb:   "cgroup",
	0x63677270: "cgroup2",
	0x73636673: "securityfs",
	0x62656570: "configfs",
}

// name returns the pseudo file system with statfs type t, or "".
func name(t int64) string { return magics[t] }
