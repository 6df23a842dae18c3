//go:build !linux

package ndview

// physicalMemory is not read outside Linux: MemoryLimit falls back to the Go memory limit
// and the address-space bound there.
func physicalMemory() uint64 { return 0 }

func cgroupMemoryLimit() uint64 { return 0 }
