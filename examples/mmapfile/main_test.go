package main

import (
	"math"
	"os"
	"strings"
	"testing"
)

func TestMmapfile(t *testing.T) {
	r, w, _ := os.Pipe()
	old := os.Stdout
	os.Stdout = w
	means, err := run(2, 4, t.TempDir())
	w.Close()
	os.Stdout = old
	out := new(strings.Builder)
	buf := make([]byte, 1<<16)
	for {
		n, e := r.Read(buf)
		out.WriteString(string(buf[:n]))
		if e != nil {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	for j, m := range means {
		if want := expectedMean(131072, j); math.Abs(m-want) > 1e-9 {
			t.Errorf("column %d: mean %v, want %v", j, m, want)
		}
	}
	for _, want := range []string{
		"view: shape [131072 4] strides [16 4] read-only true",
		"Close while the view is alive: ndview: Mapping.Close ",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
