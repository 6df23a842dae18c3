//go:build duckdb_arrow

package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/ndview/ndview"
	"github.com/ndview/ndview/arrowbridge"
)

// TestExtensionColumnCrashesDuckDB is why RegisterTensors hands DuckDB the column's storage:
// with the duckdb-go of go.mod, a query over a view of a column whose type is
// arrow.fixed_shape_tensor (as arrowbridge.ToColumn makes it) kills the process with SIGSEGV
// in duckdb_prepare. The query runs in a child process; if a DuckDB upgrade stops the crash,
// this test fails, and the workaround can go.
func TestExtensionColumnCrashesDuckDB(t *testing.T) {
	if os.Getenv("NDVIEW_DUCKDB_CHILD") == "1" {
		queryExtensionColumn(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestExtensionColumnCrashesDuckDB$")
	cmd.Env = append(os.Environ(), "NDVIEW_DUCKDB_CHILD=1")
	out, err := cmd.CombinedOutput()
	// Go reports the fault ("SIGSEGV: segmentation violation"), or, when it lands where Go's
	// handler cannot, the kernel ends the child with the signal itself.
	var ee *exec.ExitError
	killed := errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signal() == syscall.SIGSEGV
	if !killed && (err == nil || !strings.Contains(string(out), "SIGSEGV")) {
		t.Fatalf("the query over an arrow.fixed_shape_tensor column did not crash DuckDB (err %v): drop the storage workaround in RegisterTensors\n%s", err, out)
	}
}

func queryExtensionColumn(t *testing.T) {
	db, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	batch := ndview.New[float32](5, 2, 3)
	tensors, err := arrowbridge.ToColumn(batch)
	if err != nil {
		t.Fatal(err)
	}
	schema := arrow.NewSchema([]arrow.Field{{Name: "t", Type: tensors.DataType()}}, nil)
	rec := array.NewRecordBatch(schema, []arrow.Array{tensors}, int64(tensors.Len()))
	reader, err := array.NewRecordReader(schema, []arrow.RecordBatch{rec})
	if err != nil {
		t.Fatal(err)
	}
	drop, err := db.arrow.RegisterView(reader, "ext")
	if err != nil {
		t.Fatal(err)
	}
	defer drop()
	_, err = Column[float64](context.Background(), db, `SELECT list_sum(t)::DOUBLE AS s FROM ext`, "s")
	t.Logf("the query returned (%v) instead of crashing", err)
}
