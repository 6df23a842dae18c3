//go:build !windows

package ndview

// cLongSize is the size of C's long, which struct's native 'l' and 'L' codes use: the
// pointer size on LP64 and ILP32 platforms.
const cLongSize = ptrSize
