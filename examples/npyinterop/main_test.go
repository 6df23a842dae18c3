package main

import "testing"

func TestNpyinterop(t *testing.T) {
	got, err := run(t.TempDir(), "/nonexistent/python")
	if err != nil {
		t.Fatal(err)
	}
	// sum over i<4, j<6 of 10i+j = 6*10*6 + 4*15 = 420
	if want := "shape (4, 6) sum 420 m[3,5] 35"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
