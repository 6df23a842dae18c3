// Package atomicfile replaces a file all at once, for ndview's savers (npy, npz, safetensors,
// and arrowbridge through ndview.WriteFileAtomic): the new content goes to a temporary file
// in the same directory, which is synced and then renamed over the target. Readers see the old file or the new one,
// never a part of either; a failure leaves the old file as it was and no temporary file
// behind; and a file that is mapped (or open) as the source of the new content is not
// truncated under its mapping: the rename gives the path a new inode and leaves the old
// one to its readers.
package atomicfile

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// bufSize is the size of the buffer between write and the file.
const bufSize = 64 << 10

// Write calls write with a buffered writer into a new temporary file in the directory of
// path, then flushes, syncs and closes it and renames it to path.
//
// A new file gets the permission bits os.WriteFile gives one (0666 less the umask); a file
// that is replaced keeps its permission bits (but not its owner, which is the writer's). If
// path is a symbolic link, the file it points to is replaced and the link kept. If path
// exists and is not a regular file (a device, a named pipe), there is nothing to replace:
// write writes to it directly, as os.WriteFile would.
//
// Write returns write's error, or the *fs.PathError of the step that failed; in either case
// it has removed the temporary file and left path as it was. If write panics, the temporary
// file is removed and the panic goes on.
func Write(path string, write func(w io.Writer) error) (err error) {
	target, err := resolve(path)
	if err != nil {
		return err
	}
	perm, replace := fs.FileMode(0o666), false
	if fi, err := os.Stat(target); err == nil {
		switch {
		case fi.IsDir():
			return &fs.PathError{Op: "write", Path: path, Err: errors.New("is a directory")}
		case !fi.Mode().IsRegular():
			return writeDirect(target, write)
		}
		perm, replace = fi.Mode()&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky), true
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}

	// A new file is created as os.WriteFile creates one (the umask applies); a replacement
	// starts private and then takes the old file's bits exactly.
	createPerm := perm
	if replace {
		createPerm = 0o600
	}
	f, tmp, err := createTemp(target, createPerm)
	if err != nil {
		// Name the file the caller asked for, not the temporary one (a missing directory,
		// say, is the caller's path's problem).
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return &fs.PathError{Op: "create", Path: path, Err: pe.Err}
		}
		return err
	}
	done := false
	defer func() {
		if !done { // an error or a panic
			f.Close()
			os.Remove(tmp)
		}
	}()
	if replace {
		if err := f.Chmod(perm); err != nil {
			return err
		}
	}
	bw := bufio.NewWriterSize(f, bufSize)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	err = f.Close()
	if err != nil {
		os.Remove(tmp)
		done = true
		return err
	}
	if err := os.Rename(tmp, target); err != nil {
		os.Remove(tmp)
		done = true
		var le *os.LinkError
		if errors.As(err, &le) {
			return &fs.PathError{Op: "rename", Path: target, Err: le.Err}
		}
		return err
	}
	done = true
	syncDir(filepath.Dir(target))
	return nil
}

// createTemp creates a new file next to target, with the permission bits given (less the
// umask). os.CreateTemp would make it 0600, and the umask cannot be read without setting it.
func createTemp(target string, perm fs.FileMode) (*os.File, string, error) {
	dir, base := filepath.Split(target)
	for try := 0; ; try++ {
		name := filepath.Join(dir, "."+base+".tmp"+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if err == nil {
			return f, name, nil
		}
		if !errors.Is(err, fs.ErrExist) || try == 100 {
			return nil, "", err
		}
	}
}

// resolve follows path through symbolic links to the file they name, which need not exist.
func resolve(path string) (string, error) {
	for hops := 0; ; hops++ {
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		if hops == 40 {
			return "", &fs.PathError{Op: "write", Path: path, Err: errors.New("too many levels of symbolic links")}
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(path), link)
		}
		path = link
	}
}

// writeDirect writes to a file that is not a regular file, which cannot be replaced.
func writeDirect(path string, write func(w io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, bufSize)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir makes a rename in dir durable where the system allows it (not on Windows, where a
// directory cannot be opened for syncing); a failure there changes nothing for the caller,
// whose file is in place.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}
