// Command flight serves the tensor columns of an Arrow IPC file over Arrow Flight, and
// fetches them back into ndview views: the server maps the file (arrowbridge.OpenFile) and
// hands each batch's column to Flight without copying it out of the mapping; the client
// views each received column in place (arrowbridge.FromColumn).
//
// Run it with
//
//	go run ./examples/flight
//
// It writes a small file to a temporary directory, serves it on 127.0.0.1 (a port the
// system picks) and prints what the client received.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/ndview/ndview"
	"github.com/ndview/ndview/arrowbridge"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// tensorServer serves the columns of one mapped Arrow file. A ticket is a column name; the
// reply is one record batch per batch of the file, holding that column.
type tensorServer struct {
	flight.BaseFlightServer
	file *arrowbridge.File
}

// DoGet streams the column the ticket names. Each batch goes from the mapping to the wire
// without a copy in this process: Column views it in place, ToColumn hands the view to
// Arrow, and the column holds the mapping until the writer has sent it.
func (s *tensorServer) DoGet(tkt *flight.Ticket, stream flight.FlightService_DoGetServer) error {
	name := string(tkt.GetTicket())
	var w *flight.Writer
	defer func() {
		if w != nil {
			w.Close()
		}
	}()
	for b := range s.file.NumBatches() {
		v, err := arrowbridge.ColumnIn[float32](s.file, b, name)
		if err != nil {
			return status.Error(codes.NotFound, err.Error())
		}
		col, err := arrowbridge.ToColumn(v)
		v.Release() // the column holds the mapping from here on
		if err != nil {
			return status.Error(codes.InvalidArgument, err.Error())
		}
		schema := arrow.NewSchema([]arrow.Field{{Name: name, Type: col.DataType()}}, nil)
		rec := array.NewRecordBatch(schema, []arrow.Array{col}, int64(col.Len()))
		col.Release()
		if w == nil {
			w = flight.NewRecordWriter(stream, ipc.WithSchema(schema))
		}
		err = w.Write(rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// Serve maps the Arrow file at path and serves its float32 tensor columns on addr
// ("127.0.0.1:0" picks a free port). The caller calls Shutdown on the server, then Close on
// the file.
func Serve(path, addr string) (flight.Server, *arrowbridge.File, error) {
	f, err := arrowbridge.OpenFile(path)
	if err != nil {
		return nil, nil, err
	}
	srv := flight.NewServerWithMiddleware(nil)
	if err := srv.Init(addr); err != nil {
		f.Close()
		return nil, nil, err
	}
	srv.RegisterFlightService(&tensorServer{file: f})
	go srv.Serve()
	return srv, f, nil
}

// Fetch asks the server at addr for a column and returns one read-only view per record batch
// received, each over the memory the Flight reader received (no copy). The caller releases
// the views.
func Fetch(ctx context.Context, addr, column string) ([]*ndview.View[float32], error) {
	c, err := flight.NewClientWithMiddleware(addr, nil, nil, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, err
	}
	defer c.Close()
	stream, err := c.DoGet(ctx, &flight.Ticket{Ticket: []byte(column)})
	if err != nil {
		return nil, err
	}
	r, err := flight.NewRecordReader(stream)
	if err != nil {
		return nil, err
	}
	defer r.Release()
	var views []*ndview.View[float32]
	for r.Next() {
		// The view retains the column's memory after the reader moves on.
		v, err := arrowbridge.FromColumn[float32](r.RecordBatch().Column(0))
		if err != nil {
			release(views)
			return nil, err
		}
		views = append(views, v)
	}
	if err := r.Err(); err != nil && !errors.Is(err, io.EOF) {
		release(views)
		return nil, err
	}
	return views, nil
}

func release(views []*ndview.View[float32]) {
	for _, v := range views {
		v.Release()
	}
}

// writeDemo writes a batch of four 2×3 images to path.
func writeDemo(path string) error {
	a := ndview.New[float32](4, 2, 3)
	i := float32(0)
	for run := range a.Runs() {
		for k := range run {
			run[k] = i
			i++
		}
	}
	col, err := arrowbridge.ToColumn(a, "h", "w")
	if err != nil {
		return err
	}
	defer col.Release()
	return arrowbridge.WriteFile(path, []string{"images"}, []arrow.Array{col})
}

func main() {
	dir, err := os.MkdirTemp("", "ndview-flight")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "images.arrow")
	if err := writeDemo(path); err != nil {
		log.Fatal(err)
	}
	srv, f, err := Serve(path, "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	views, err := Fetch(context.Background(), srv.Addr().String(), "images")
	if err != nil {
		log.Fatal(err)
	}
	for _, v := range views {
		fmt.Println(v.Shape())
		fmt.Println(v)
	}
	release(views)
	srv.Shutdown()
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
