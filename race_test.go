//go:build race

package ndview

const raceEnabled = true
