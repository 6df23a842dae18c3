package dtypes

// CLongSize is the size of C's long, which struct's native 'l' and 'L' codes use: Windows is
// LLP64, so long stays 4 bytes on 64-bit Windows.
const CLongSize = 4
