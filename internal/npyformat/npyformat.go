// Package npyformat is the NumPy .npy format that the npy and npz packages share: the
// header as np.load reads it and np.save writes it (the dict's Python literal through
// internal/pyliteral, the descr as np.dtype reads it), reading an array from a stream
// (Read) or from a container that knows its size (ReadSized), viewing one in place in a
// mapping (MapView, MapAt), writing one (Write, ArrayHeader), and the error type whose
// messages name the public function the user called.
//
// Every function that can fail takes op, that public function ("npy.Load", "npz.Map", ...),
// and names it where a message gives a remedy ("use npz.Load[float64]"). Its errors carry
// no function name in front: the npy package puts its own there with WithOp, and npz its
// own context, so that no message names a function of this package. A committed corpus of
// headers with NumPy 1.24's verdict on each (testdata/headers.json, written by
// npy/testdata/gen_headers.py) keeps the header reader to np.load's word.
package npyformat
