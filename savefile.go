package ndview

import (
	"io"

	"github.com/ndview/ndview/internal/atomicfile"
)

// WriteFileAtomic replaces the file at path all at once, as every saver in ndview does
// (npy.Save, npz.Save, safetensors.Save, arrowbridge.WriteFile): it calls write with a
// buffered writer into a new temporary file in path's directory, then flushes, syncs and
// closes it and renames it over path. Readers see the old file or the new one, never a
// part; a failure leaves the old file as it was and no temporary file behind; and a file
// mapped as the source of the new content keeps its old bytes under its mapping (the rename
// gives path a new inode). It is for formats written outside ndview too.
//
// A new file gets the permission bits os.WriteFile gives one (0666 less the umask); a file
// that is replaced keeps its permission bits. If path is a symbolic link, the file it points
// to is replaced and the link kept. If path exists and is not a regular file (a device, a
// named pipe), write writes to it directly, as os.WriteFile would.
//
// WriteFileAtomic returns write's error, or the *fs.PathError of the step that failed. If
// write panics, the temporary file is removed and the panic goes on.
func WriteFileAtomic(path string, write func(w io.Writer) error) error {
	return atomicfile.Write(path, write)
}
