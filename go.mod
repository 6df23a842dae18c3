module github.com/ndview/ndview

go 1.24.0

require (
	golang.org/x/exp v0.0.0-20250106191152-7588d65b2ba8
	gonum.org/v1/gonum v0.16.0
)

require golang.org/x/sys v0.41.0
