package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// entries returns the names in dir, to check that no temporary file is left behind.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

func TestNewFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a")
	if err := Write(p, writeString("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Fatalf("content %q", b)
	}
	// The permission bits are os.WriteFile's: 0666 less the umask.
	ref := filepath.Join(dir, "ref")
	if err := os.WriteFile(ref, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	a, _ := os.Stat(p)
	r, _ := os.Stat(ref)
	if a.Mode() != r.Mode() {
		t.Fatalf("mode %v, os.WriteFile gives %v", a.Mode(), r.Mode())
	}
	if names := entries(t, dir); len(names) != 2 {
		t.Fatalf("files left: %v", names)
	}
}

func TestReplaceKeepsMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no permission bits to keep")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "a")
	os.WriteFile(p, []byte("old"), 0o600)
	if err := os.Chmod(p, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, writeString("new")); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(p)
	if b, _ := os.ReadFile(p); string(b) != "new" || fi.Mode().Perm() != 0o640 {
		t.Fatalf("content %q, mode %v", b, fi.Mode())
	}
}

// A failed write, or a panic in it, leaves the old file as it was and nothing else behind.
func TestFailureKeepsOld(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a")
	os.WriteFile(p, []byte("old"), 0o644)
	boom := errors.New("boom")
	err := Write(p, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return boom
	})
	if err != boom {
		t.Fatalf("error %v, want write's", err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the panic was swallowed")
			}
		}()
		Write(p, func(w io.Writer) error {
			w.Write(make([]byte, 1<<20)) // past the buffer: the temporary file has data
			panic("boom")
		})
	}()
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("old file changed to %q", b)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Fatalf("files left: %v", names)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	var pe *fs.PathError
	if err := Write(filepath.Join(dir, "no", "such", "dir"), writeString("x")); !errors.As(err, &pe) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing directory: %v", err)
	}
	if err := Write(dir, writeString("x")); !errors.As(err, &pe) {
		t.Fatalf("a directory: %v", err)
	}
	if names := entries(t, dir); len(names) != 0 {
		t.Fatalf("files left: %v", names)
	}
}

// A symbolic link stays a link; the file it names is replaced.
func TestSymlink(t *testing.T) {
	dir := t.TempDir()
	target, link := filepath.Join(dir, "target"), filepath.Join(dir, "link")
	os.WriteFile(target, []byte("old"), 0o644)
	if err := os.Symlink("target", link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := Write(link, writeString("new")); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Lstat(link)
	if b, _ := os.ReadFile(target); string(b) != "new" || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("target %q, link mode %v", b, fi.Mode())
	}
}

// The old file stays readable through a descriptor opened before the replacement, as a
// mapping of it does: the rename leaves its inode alone.
func TestOpenOldFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows does not rename over an open file")
	}
	p := filepath.Join(t.TempDir(), "a")
	os.WriteFile(p, []byte("old"), 0o644)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := Write(p, writeString("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(f); string(b) != "old" {
		t.Fatalf("old file reads %q", b)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Fatalf("new file reads %q", b)
	}
}

// A save into a missing directory names the path the caller gave, not the temporary file.
func TestErrorNamesTheTarget(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "a.npy")
	err := Write(path, func(io.Writer) error { return nil })
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != path || !errors.Is(err, fs.ErrNotExist) || strings.Contains(err.Error(), ".tmp") {
		t.Fatalf("Write into a missing directory: %v", err)
	}
}
