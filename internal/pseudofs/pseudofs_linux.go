package pseudofs

import (
	"os"
	"syscall"
)

// File returns the name of the pseudo file system f lives on ("proc", "sysfs", ...), or ""
// if it is on another file system or statfs fails.
func File(f *os.File) string {
	var st syscall.Statfs_t
	c, err := f.SyscallConn()
	if err != nil {
		return ""
	}
	var serr error
	if err := c.Control(func(fd uintptr) { serr = syscall.Fstatfs(int(fd), &st) }); err != nil || serr != nil {
		return ""
	}
	return name(int64(st.Type))
}

// Path is File for the file at path, without opening it.
func Path(path string) string {
	var st syscall.Statfs_t
	if syscall.Statfs(path, &st) != nil {
		return ""
	}
	return name(int64(st.Type))
}
