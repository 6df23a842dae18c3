//go:build amd64 && !noasm

package ndview

// lastLevelCache returns the size in bytes of the largest data or unified cache CPUID
// describes, 0 if it describes none: Intel's leaf 4, or AMD's (and Hygon's) leaf
// 0x8000001D, which has the same layout (Intel SDM vol. 2A, CPUID; AMD APM vol. 3,
// appendix E). A virtual machine reports what its hypervisor passes on; Linux's
// /sys/devices/system/cpu/cpu0/cache is read from the same leaves.
func lastLevelCache() int {
	size := 0
	scan := func(leaf uint32) {
		for sub := range uint32(16) {
			a, b, c, _ := cpuid(leaf, sub)
			switch a & 0x1f { // the cache's type
			case 0: // no more caches
				return
			case 2: // instructions
				continue
			}
			ways := int(b>>22) + 1
			partitions := int(b>>12&0x3ff) + 1
			line := int(b&0xfff) + 1
			sets := int(c) + 1
			size = max(size, ways*partitions*line*sets)
		}
	}
	if maxLeaf, _, _, _ := cpuid(0, 0); maxLeaf >= 4 {
		scan(4) // all zeros on AMD, where the leaf is reserved
	}
	if size == 0 {
		maxExt, _, _, _ := cpuid(0x80000000, 0)
		// 0x8000001D is defined where CPUID 0x80000001 reports topology extensions.
		if _, _, ext, _ := cpuid(0x80000001, 0); maxExt >= 0x8000001d && ext&(1<<22) != 0 {
			scan(0x8000001d)
		}
	}
	return size
}
