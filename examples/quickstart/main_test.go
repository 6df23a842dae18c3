package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
)

// captureMain runs main with stdout captured.
func captureMain(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() {
		var b bytes.Buffer
		io.Copy(&b, r)
		done <- b.String()
	}()
	main()
	w.Close()
	os.Stdout = old
	return <-done
}

func TestQuickstart(t *testing.T) {
	out := captureMain(t)
	for _, want := range []string{
		"m.T: shape [4 3] strides [4 16] C-contiguous false F-contiguous true",
		"m[::2, -3:]: shape [2 3] strides [32 4]\n[[ 1  2  3]\n [ 9 10 11]]",
		"m[-1, ::-2]: [11  9]",
		"m[1, :100]: [4 5 6 7]",
		"sum 66, row sums [ 6 22 38], column means [4 5 6 7]",
		"max 11 at [2 3], row minima of m.T [0 1 2 3]",
		"after rev.Set(-1, 0, 0): data[3] = -1, m.At(0, 3) = -1",
		"as bytes: 48 of them",
		"Cast: the view (shape [4 3], strides [4 16]) is not C-contiguous; Clone() it first",
		"m.T in C order: [0 4 8 1 5 9 2 6 10 -1 7 11]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
