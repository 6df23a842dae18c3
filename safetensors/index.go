package safetensors

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"unicode/utf8"

	"github.com/ndview/ndview"
)

// index is a parsed model.safetensors.index.json.
type index struct {
	weightMap map[string]string // tensor name → shard path (cleaned, in the OS's form)
	metadata  map[string]string
}

// openIndex opens a sharded checkpoint through its index: see Open.
func openIndex(path string) (*File, error) {
	data, err := readIndex(path)
	if err != nil {
		return nil, err
	}
	ix, err := parseIndex(data)
	if err != nil {
		if p, ok := err.(*problem); ok {
			p.Path = path
		}
		return nil, err
	}
	names := make([]string, 0, len(ix.weightMap))
	for _, s := range ix.weightMap {
		names = append(names, s)
	}
	slices.Sort(names)
	names = slices.Compact(names)

	f := &File{path: path, tensors: make(map[string]ref, len(ix.weightMap)), metadata: ix.metadata}
	fail := func(err error) (*File, error) {
		for _, s := range f.shards {
			s.m.Close() // no view of it exists yet
		}
		return nil, err
	}
	dir := filepath.Dir(path)
	for i, name := range names {
		s, h, err := openShard(filepath.Join(dir, name))
		if err != nil {
			return fail(err)
		}
		f.shards = append(f.shards, s)
		for _, e := range h.entries {
			if owner, ok := ix.weightMap[e.name]; !ok || owner != name {
				where := "does not name it"
				if ok {
					where = "puts it in " + owner
				}
				return fail(errorf(ndview.ErrFormat, "%s: tensor %q is in shard %s, but the index %s", path, e.name, name, where))
			}
			f.tensors[e.name] = ref{i, e.info, e.bad}
			f.names = append(f.names, e.name)
		}
		for k, v := range h.metadata {
			if _, ok := f.metadata[k]; !ok {
				if f.metadata == nil {
					f.metadata = map[string]string{}
				}
				f.metadata[k] = v
			}
		}
	}
	if len(f.tensors) != len(ix.weightMap) {
		for _, t := range slices.Sorted(maps.Keys(ix.weightMap)) {
			if _, ok := f.tensors[t]; !ok {
				return fail(errorf(ndview.ErrFormat, "%s: the index puts tensor %q in %s, which does not have it", path, t, ix.weightMap[t]))
			}
		}
	}
	return f, nil
}

// readIndex reads the index file, a regular file of at most maxHeaderSize bytes. It opens
// the file without blocking, so that a named pipe with no writer is refused at once.
func readIndex(path string) ([]byte, error) {
	fh, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errorf(ndview.ErrFormat, "%s: not a regular file (mode %v)", path, fi.Mode().Type())
	}
	data, err := io.ReadAll(io.LimitReader(fh, maxHeaderSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxHeaderSize {
		return nil, errorf(ndview.ErrFormat, "%s: an index over %d bytes is refused", path, maxHeaderSize)
	}
	return data, nil
}

// parseIndex parses an index: a JSON object with "weight_map" (an object of strings, each a
// local path) and an optional "metadata" object; other keys are ignored; no duplicate keys.
func parseIndex(data []byte) (*index, error) {
	if !utf8.Valid(data) {
		return nil, errorf(ndview.ErrFormat, "the index is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errorf(ndview.ErrFormat, "the index is not a JSON object")
	}
	ix := &index{}
	seen := map[string]bool{}
	for dec.More() {
		k, err := key(dec)
		if err != nil {
			return nil, err
		}
		if seen[k] {
			return nil, errorf(ndview.ErrFormat, "the index names %q twice", k)
		}
		seen[k] = true
		switch k {
		case "weight_map":
			if ix.weightMap, err = stringMap(dec, "weight_map", false); err != nil {
				return nil, err
			}
		case "metadata":
			if ix.metadata, err = stringMap(dec, "metadata", true); err != nil {
				return nil, err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, jsonError(err)
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonError(err)
	}
	if len(bytes.TrimLeft(data[dec.InputOffset():], " \t\n\r")) != 0 {
		return nil, errorf(ndview.ErrFormat, "the index has bytes after its JSON object that are not whitespace")
	}
	if ix.weightMap == nil {
		return nil, errorf(ndview.ErrFormat, "the index has no weight_map")
	}
	for t, p := range ix.weightMap {
		local := filepath.FromSlash(p)
		if !filepath.IsLocal(local) {
			return nil, errorf(ndview.ErrFormat, "the index puts tensor %q in %q, which is not a path inside the index's directory", t, p)
		}
		ix.weightMap[t] = filepath.Clean(local)
	}
	return ix, nil
}

// stringMap reads an object of strings without duplicate keys. With anyValue, values that
// are not strings are kept as their compact JSON text ("total_size": 123 gives "123").
func stringMap(dec *json.Decoder, field string, anyValue bool) (map[string]string, error) {
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errorf(ndview.ErrFormat, "the index's %s is not a JSON object", field)
	}
	m := map[string]string{}
	for dec.More() {
		k, err := key(dec)
		if err != nil {
			return nil, err
		}
		if _, dup := m[k]; dup {
			return nil, errorf(ndview.ErrFormat, "the index's %s names %q twice", field, k)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, jsonError(err)
		}
		var s string
		switch {
		case raw[0] == '"':
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, jsonError(err)
			}
		case !anyValue:
			return nil, errorf(ndview.ErrFormat, "the index's %s[%q] is not a string", field, k)
		default:
			var c bytes.Buffer
			if err := json.Compact(&c, raw); err != nil {
				return nil, jsonError(err)
			}
			s = c.String()
		}
		m[k] = s
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonError(err)
	}
	return m, nil
}
