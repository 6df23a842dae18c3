//go:build !race

package ndview

const raceEnabled = false
