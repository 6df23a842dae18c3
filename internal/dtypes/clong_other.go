//go:build !windows

package dtypes

// CLongSize is the size of C's long, which struct's native 'l' and 'L' codes use: the
// pointer size on LP64 and ILP32 platforms.
const CLongSize = PtrSize
