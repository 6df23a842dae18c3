//go:build race

package arrowbridge

// raceEnabled says the race detector is on: the tests that read damaged files by the
// hundred leave out the file whose 4 MiB LZ4 blocks make each read cost a hundred times more.
const raceEnabled = true
