package main

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/ndview/ndview"
	"github.com/ndview/ndview/arrowbridge"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestFlight serves a mapped file on 127.0.0.1 and fetches its columns into views.
func TestFlight(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.arrow")
	// A permuted batch of 5 tensors of 3×4: served as stored, with its permutation.
	base := ndview.New[float32](5, 4, 3)
	for idx := range base.All() {
		base.Set(float32(100*idx[0]+10*idx[1]+idx[2]), idx...)
	}
	want := base.Transpose(0, 2, 1)
	col, err := arrowbridge.ToColumn(want)
	if err != nil {
		t.Fatal(err)
	}
	if err := arrowbridge.WriteFile(path, []string{"t"}, []arrow.Array{col}); err != nil {
		t.Fatal(err)
	}
	col.Release()

	srv, f, err := Serve(path, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	ctx := context.Background()
	views, err := Fetch(ctx, srv.Addr().String(), "t")
	if err != nil {
		t.Fatal(err)
	}
	if len(views) != 1 {
		t.Fatalf("%d batches", len(views))
	}
	got := views[0]
	if !slices.Equal(got.Shape(), []int{5, 3, 4}) || !ndview.Equal(got, want) {
		t.Fatalf("fetched %v, want %v", got, want)
	}
	release(views)

	_, err = Fetch(ctx, srv.Addr().String(), "nope")
	if status.Code(err) != codes.NotFound {
		t.Fatalf("unknown column: %v", err)
	}

	// Everything the server handed to Flight has been given back: the file closes.
	srv.Shutdown()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestRunMain(t *testing.T) {
	main() // the example program itself, end to end
}
