package ndview

import (
	"fmt"
	"os"
	"runtime"
	"sync"

	"github.com/ndview/ndview/internal/pseudofs"
)

// Mapping is a file mapped into memory (or, on platforms without mmap, read into it) that
// lends its bytes to views. Views of a read-only mapping are read-only; writes through views
// of a writable one reach the file. Close refuses while any view of it is alive. A Mapping
// dropped without Close is unmapped once the garbage collector finds it unreachable, which
// it cannot be while a view of it lives. A Mapping is safe for concurrent use.
type Mapping struct {
	mu        sync.Mutex
	path      string
	data      []byte
	writable  bool
	exports   int
	closed    bool
	autoClose bool
	sys       mapSys // how the bytes were obtained, and how to give them back
	cleanup   runtime.Cleanup
}

// mapped is what unmapping needs, kept apart from the Mapping so that a cleanup can unmap a
// Mapping that was dropped without Close (as os.File closes a dropped file). A Mapping is
// unreachable only when no view holds it: every view's lease reaches it through its export.
type mapped struct {
	data     []byte
	sys      mapSys
	path     string
	writable bool
}

func (m mapped) unmap() { _ = unmapFile(m.data, m.sys, m.path, m.writable) }

var _ Exporter = (*Mapping)(nil)

// MapFile maps the regular file at path, read-only or read-write. An empty file gives a
// mapping of length 0. On Linux, files on pseudo file systems (proc, sysfs, debugfs, tracefs,
// cgroup, cgroup2, securityfs, configfs), which are regular by mode but report size 0 or a
// page and make their content when read, are refused with ErrFormat: read them with
// os.ReadFile and FromBytes. Elsewhere such files are not recognized and map as what their
// size says (an empty mapping for size 0).
//
// The mapping is of the file's length when MapFile is called. If another process truncates
// the file while it is mapped, reading the lost pages raises SIGBUS and the program dies:
// this is inherent in memory-mapping and no check can prevent it. Map files that only your
// program changes, or read them with os.ReadFile.
//
// MapFile returns the error of opening or mapping the file (an *fs.PathError inside), and
// an error wrapping ErrFormat for anything but a regular file: a FIFO, device or directory
// is never mapped (opening is non-blocking, so a FIFO with no writer cannot hang it), nor is
// a file on a pseudo file system.
func MapFile(path string, writable bool) (*Mapping, error) {
	flag := os.O_RDONLY | openNonblock
	if writable {
		flag = os.O_RDWR | openNonblock
	}
	f, err := os.OpenFile(path, flag, 0)
	if err != nil {
		return nil, fmt.Errorf("ndview: MapFile: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("ndview: MapFile: %w", err)
	}
	if fi.IsDir() {
		return nil, pathErrorf("MapFile", path, ErrFormat, "a directory, not a file")
	}
	if !fi.Mode().IsRegular() {
		return nil, pathErrorf("MapFile", path, ErrFormat, "not a regular file (mode %v); only regular files can be mapped: read others as a stream", fi.Mode().Type())
	}
	if fs := pseudofs.File(f); fs != "" {
		return nil, pathErrorf("MapFile", path, ErrFormat, "on %s, a pseudo file system whose files have no fixed size or content, so it cannot be mapped; read it with os.ReadFile and ndview.FromBytes", fs)
	}
	size := fi.Size()
	if size < 0 || uint64(size) > maxInt {
		return nil, pathErrorf("MapFile", path, ErrOverflow, "%d bytes do not fit an int", size)
	}
	m := &Mapping{path: path, writable: writable}
	if size > 0 {
		if m.data, m.sys, err = mapFile(f, int(size), writable); err != nil {
			return nil, fmt.Errorf("ndview: MapFile %s: %w", path, err)
		}
		m.cleanup = runtime.AddCleanup(m, mapped.unmap, mapped{m.data, m.sys, path, writable})
	}
	return m, nil
}

// Len returns the mapped length in bytes.
func (m *Mapping) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.data)
}

// Writable reports whether the mapping was made writable.
func (m *Mapping) Writable() bool { return m.writable }

// Exports returns the number of exports outstanding.
func (m *Mapping) Exports() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.exports
}

// Close unmaps the file. It returns an error wrapping ErrExported while any reachable view
// of the mapping (or any view derived from one, or a Hold) is unreleased. Views the program
// has dropped do not count: Close collects them first, waiting up to the release timeout
// (AwaitRelease), which is what a refusal costs. A slice from Raw, UnsafeRaw, Runs or
// UnsafeRuns does not hold the mapping: once its view is dropped, Close can unmap the memory
// under it. Closing a closed mapping does nothing.
func (m *Mapping) Close() error {
	AwaitRelease(func() bool { return m.Exports() == 0 })
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.exports > 0 {
		return pathErrorf("Mapping.Close", m.path, ErrExported, "%s (views or holds the program still uses); release them first (values handed to gonum: gonumbridge.Unpin); %s", count(m.exports, "live export"), ExportsHint(m))
	}
	return m.closeLocked()
}

func (m *Mapping) closeLocked() error {
	if m.closed {
		return nil
	}
	m.closed = true
	data := m.data
	m.data = nil
	if data == nil {
		return nil
	}
	m.cleanup.Stop()
	if err := unmapFile(data, m.sys, m.path, m.writable); err != nil {
		return fmt.Errorf("ndview: unmap %s: %w", m.path, err)
	}
	return nil
}

// CloseWhenUnused makes the mapping close itself when its last export is given back, so
// views made from it own it: the mapping lives exactly as long as they do. With no export
// outstanding it closes now.
func (m *Mapping) CloseWhenUnused() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.autoClose = true
	if m.exports == 0 {
		return m.closeLocked()
	}
	return nil
}

// Export implements Exporter. It returns an error wrapping ErrReleased once the mapping is
// closed. The bytes of a read-only mapping are mapped read-only: writing to them (through
// the slice Export returns, or a slice from Raw or UnsafeRuns) raises a fault that kills
// the program. Views made from such a mapping are read-only and refuse writes.
func (m *Mapping) Export() ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, false, pathErrorf("Mapping.Export", m.path, ErrReleased, "the mapping is closed")
	}
	m.exports++
	return m.data, !m.writable, nil
}

// Unexport implements Exporter.
func (m *Mapping) Unexport() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.exports--
	if m.exports == 0 && m.autoClose {
		_ = m.closeLocked() // nobody is left to hear of an unmap failure
	}
}
