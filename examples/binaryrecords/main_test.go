package main

import "testing"

func TestBinaryrecords(t *testing.T) {
	const n = 1000
	s, err := run(n, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	want := summary{Records: n, SumID: n * (n - 1) / 2, MeanX: float64(n-1) / 4, MeanY: -float64(n-1) / 2,
		LastID: n - 1, LastFlag: (n - 1) % 3}
	for i := range n {
		want.TotalCount += uint64(i % 7)
		if i%3 == 1 {
			want.Flagged++
		}
	}
	if s != want {
		t.Fatalf("got %+v\nwant %+v", s, want)
	}
}
