//go:build duckdb_arrow

package main

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/ndview/ndview"
	"github.com/ndview/ndview/arrowbridge"
)

func TestParquetColumnInPlace(t *testing.T) {
	ctx := context.Background()
	db, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	path := filepath.Join(t.TempDir(), "p.parquet")
	if err := db.Exec(ctx, fmt.Sprintf(`COPY (SELECT i::DOUBLE AS x, [i, 2 * i]::FLOAT[2] AS v FROM range(100) t(i))
		TO '%s' (FORMAT parquet)`, path)); err != nil {
		t.Fatal(err)
	}
	query := fmt.Sprintf(`SELECT x, v::FLOAT[2] AS v FROM '%s' WHERE x < 50 ORDER BY x`, path)

	// The view is the memory DuckDB filled: same address, no copy.
	r, err := db.arrow.QueryContext(ctx, query)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Next() {
		t.Fatal(r.Err())
	}
	xs := r.RecordBatch().Column(0).(*array.Float64).Float64Values()
	v, err := arrowbridge.FromColumn[float64](r.RecordBatch().Column(0))
	if err != nil {
		t.Fatal(err)
	}
	first := func(v *ndview.View[float64]) uintptr {
		for run := range v.UnsafeRuns() {
			return uintptr(unsafe.Pointer(unsafe.SliceData(run)))
		}
		return 0
	}
	if first(v) != uintptr(unsafe.Pointer(unsafe.SliceData(xs))) {
		t.Fatal("FromColumn copied DuckDB's result")
	}
	r.Release() // the view retains the batch's memory
	if v.At(1) != 1 || v.Len() != 50 {
		t.Fatalf("x = %v", v)
	}
	v.Release()

	vs, err := Column[float32](ctx, db, query, "v")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range vs {
		for i := range v.Len() {
			if v.At(i, 0) != float32(n) || v.At(i, 1) != float32(2*n) {
				t.Fatalf("row %d: %v", n, v.Index(0, i))
			}
			n++
		}
		v.Release()
	}
	if n != 50 {
		t.Fatalf("%d rows", n)
	}
}

func TestTensorsInSQL(t *testing.T) {
	ctx := context.Background()
	db, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := ndview.NewBuffer(5 * 2 * 3 * 4)
	batch, err := ndview.FromExporter[float32](b, 5, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float64, 5)
	for idx := range batch.All() {
		x := float32(10*idx[0] + 3*idx[1] + idx[2])
		batch.Set(x, idx...)
		want[idx[0]] += float64(x)
	}
	drop, err := RegisterTensors(db, "tensors", batch)
	if err != nil {
		t.Fatal(err)
	}
	batch.Release()
	sums, err := Column[float64](ctx, db, `SELECT list_sum(t)::DOUBLE AS s, t[6] AS last FROM tensors`, "s")
	if err != nil {
		t.Fatal(err)
	}
	got := []float64{}
	for _, s := range sums {
		got = append(got, s.ToSlice()...)
		s.Release()
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("SQL sums %v, want %v", got, want)
	}
	drop()
	// With DuckDB's view dropped, the batch's buffer is no longer exported.
	if err := b.Resize(0); err != nil {
		t.Fatalf("Resize after DuckDB released the tensors: %v", err)
	}

	c := ndview.New[float32](2, 3, 4).Transpose(0, 2, 1)
	if _, err := RegisterTensors(db, "bad", c); err == nil {
		t.Fatal("a permuted batch was registered")
	}
}

func TestRunMain(t *testing.T) {
	main()
}
