package main

import (
	"slices"
	"testing"
)

func TestGonumsolve(t *testing.T) {
	x, xc, err := run()
	if err != nil {
		t.Fatal(err)
	}
	if len(x) != 5 || !slices.Equal(x, xc) {
		t.Fatalf("views %v, copies %v", x, xc)
	}
}
