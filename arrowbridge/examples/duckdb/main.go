//go:build duckdb_arrow

// Command duckdb shows ndview views and DuckDB exchanging Arrow data without copies, through
// duckdb-go's Arrow interface (build with -tags duckdb_arrow):
//
//   - a DuckDB query over a Parquet file returns Arrow record batches, and
//     arrowbridge.FromColumn views a result column in place, in the memory DuckDB filled;
//   - a batch of tensors becomes a tensor column (arrowbridge.ToColumn), which RegisterView
//     hands to SQL as a view without copying.
//
// With duckdb-go v2.10506.0 (the version go.mod names) and v2.20000.0, on linux/amd64, a
// query over a view (Arrow.RegisterView) of a column of type arrow.fixed_shape_tensor, as
// arrowbridge.ToColumn makes it, kills the process with SIGSEGV in duckdb_prepare
// (TestExtensionColumnCrashesDuckDB reproduces it in a child process). So RegisterTensors
// hands DuckDB the column's storage: the FixedSizeList of the same memory, a FLOAT[n] column
// in SQL, n the number of elements of one tensor, in row-major order.
//
// DuckDB's Go bindings are cgo with a prebuilt static library per platform, so this example
// lives in a module of its own: arrowbridge users never download them. Run it with
//
//	go run -tags duckdb_arrow .
//
// The first build compiles and links DuckDB's bindings (about a minute; the binary is tens of
// megabytes). It needs cgo and a C compiler; CGO_ENABLED=0 cannot build it.
package main

import (
	"context"
	"database/sql/driver"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"
	"github.com/ndview/ndview"
	"github.com/ndview/ndview/arrowbridge"
)

// DB is an in-memory DuckDB database with one connection and its Arrow interface.
type DB struct {
	connector *duckdb.Connector
	conn      driver.Conn
	arrow     *duckdb.Arrow
}

// Open opens an in-memory DuckDB database.
func Open() (*DB, error) {
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, err
	}
	conn, err := c.Connect(context.Background())
	if err != nil {
		c.Close()
		return nil, err
	}
	ar, err := duckdb.NewArrowFromConn(conn)
	if err != nil {
		conn.Close()
		c.Close()
		return nil, err
	}
	return &DB{connector: c, conn: conn, arrow: ar}, nil
}

// Close closes the connection and the database.
func (db *DB) Close() error {
	err := db.conn.Close()
	if err2 := db.connector.Close(); err == nil {
		err = err2
	}
	return err
}

// Exec runs a statement and discards its result.
func (db *DB) Exec(ctx context.Context, query string) error {
	r, err := db.arrow.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	for r.Next() {
	}
	err = r.Err()
	r.Release()
	return err
}

// Column runs a query and returns one view per result batch of the named column, each over
// the Arrow memory DuckDB filled (no copy). The views hold that memory after the reader has
// moved on and been released; the caller releases them.
func Column[T ndview.Elem](ctx context.Context, db *DB, query, column string) ([]*ndview.View[T], error) {
	r, err := db.arrow.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer r.Release()
	idx := r.Schema().FieldIndices(column)
	if len(idx) != 1 {
		return nil, fmt.Errorf("query has no column %q", column)
	}
	var views []*ndview.View[T]
	for r.Next() {
		v, err := arrowbridge.FromColumn[T](r.RecordBatch().Column(idx[0]))
		if err != nil {
			release(views)
			return nil, err
		}
		views = append(views, v)
	}
	if err := r.Err(); err != nil {
		release(views)
		return nil, err
	}
	return views, nil
}

func release[T ndview.Elem](views []*ndview.View[T]) {
	for _, v := range views {
		v.Release()
	}
}

// RegisterTensors hands batch (rows of tensors, C-contiguous) to SQL as the view name, with
// one column "t" of type FLOAT[n] holding each tensor's elements in row-major order, without
// copying. The column holds batch's export until the returned release function is called.
// DuckDB reads the batch as a stream, once: a second query of the view sees no rows
// (register it again, or keep a copy with CREATE TABLE ... AS SELECT).
func RegisterTensors(db *DB, name string, batch *ndview.View[float32]) (release func(), err error) {
	if !batch.IsCContiguous() {
		// A permuted batch would reach SQL in its physical order, its permutation lost with
		// the extension type (see the package comment).
		return nil, fmt.Errorf("RegisterTensors needs a C-contiguous batch; Clone it first")
	}
	tensors, err := arrowbridge.ToColumn(batch)
	if err != nil {
		return nil, err
	}
	defer tensors.Release()
	col := tensors.(array.ExtensionArray).Storage() // the same memory, without the extension type
	schema := arrow.NewSchema([]arrow.Field{{Name: "t", Type: col.DataType()}}, nil)
	rec := array.NewRecordBatch(schema, []arrow.Array{col}, int64(col.Len()))
	defer rec.Release()
	reader, err := array.NewRecordReader(schema, []arrow.RecordBatch{rec})
	if err != nil {
		return nil, err
	}
	defer reader.Release()
	return db.arrow.RegisterView(reader, name)
}

func main() {
	ctx := context.Background()
	db, err := Open()
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	dir, err := os.MkdirTemp("", "ndview-duckdb")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// A Parquet file, written by DuckDB, queried by DuckDB, viewed by ndview.
	path := filepath.Join(dir, "points.parquet")
	if err := db.Exec(ctx, fmt.Sprintf(`COPY (SELECT i::DOUBLE / 4 AS x, [i, i + 1, i + 2]::FLOAT[3] AS v
		FROM range(10) t(i)) TO '%s' (FORMAT parquet)`, path)); err != nil {
		log.Fatal(err)
	}
	xs, err := Column[float64](ctx, db, fmt.Sprintf(`SELECT x, v::FLOAT[3] AS v FROM '%s' WHERE x >= 1`, path), "x")
	if err != nil {
		log.Fatal(err)
	}
	vs, err := Column[float32](ctx, db, fmt.Sprintf(`SELECT x, v::FLOAT[3] AS v FROM '%s' WHERE x >= 1`, path), "v")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("x:", xs[0])
	fmt.Println("v:", vs[0].Shape(), vs[0].Index(0, 0))
	release(xs)
	release(vs)

	// A batch of 2×3 tensors, handed to SQL.
	batch := ndview.New[float32](4, 2, 3)
	for idx := range batch.All() {
		batch.Set(float32(10*idx[0]+3*idx[1]+idx[2]), idx...)
	}
	drop, err := RegisterTensors(db, "tensors", batch)
	if err != nil {
		log.Fatal(err)
	}
	sums, err := Column[float64](ctx, db, `SELECT list_sum(t)::DOUBLE AS s FROM tensors`, "s")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("sums:", sums[0])
	release(sums)
	drop()
}
