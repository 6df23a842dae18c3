//go:build !race

package arrowbridge

const raceEnabled = false
