package arrowbridge

import "encoding/binary"

// A compressed buffer of an IPC body starts with the length it decompresses to, and arrow-go
// allocates that length before it decompresses a byte. The length is checked against the
// column's metadata (checkBatch), but a damaged file can lie there too: a field node that
// says 2^28 values makes a claim of 2 GiB look consistent. So the claim is also checked
// against what the compressed bytes can produce, read from the headers of their frames and
// blocks alone (decompressing nothing): the LZ4 frame format (lz4_Frame_format.md) and
// Zstandard (RFC 8878), as pierrec/lz4 and klauspost/compress decode them, concatenated and
// skippable frames included.

const (
	lz4Magic      = 0x184D2204
	zstdMagic     = 0xFD2FB528
	skippableMask = 0xFFFFFFF0
	lz4Skippable  = 0x184D2A50 // both formats: 0x184D2A50 to 0x184D2A5F
	zstdBlockMax  = 128 << 10  // Block_Maximum_Size
	lz4MaxRatio   = 255        // an LZ4 sequence turns n bytes into at most 255n
)

// frameBound returns an upper bound on the bytes that the frames in b decompress to, with
// codec 0 (LZ4_FRAME) or 1 (ZSTD). Walking stops where the frames stop making sense: the
// decoder fails there too, having produced at most what was counted before.
func frameBound(codec int64, b []byte) int64 {
	var total int64
	for len(b) >= 4 {
		magic := binary.LittleEndian.Uint32(b)
		var n, rest int64
		switch {
		case magic&skippableMask == lz4Skippable:
			if len(b) < 8 {
				return total
			}
			skip := int64(binary.LittleEndian.Uint32(b[4:]))
			if skip > int64(len(b)-8) {
				return total
			}
			b = b[8+skip:]
			continue
		case codec == 0 && magic == lz4Magic:
			n, rest = lz4FrameBound(b[4:])
		case codec == 1 && magic == zstdMagic:
			n, rest = zstdFrameBound(b[4:])
		default:
			return total // the decoder refuses what is not a frame
		}
		total += n
		if rest < 0 {
			return total
		}
		b = b[int64(len(b))-rest:]
	}
	return total
}

// lz4FrameBound bounds the frame whose header follows the magic number in b; rest is the
// length of what follows the frame, or -1 if the frame is cut short or damaged.
func lz4FrameBound(b []byte) (n, rest int64) {
	if len(b) < 3 {
		return 0, -1
	}
	flg, bd := b[0], b[1]
	if flg>>6 != 1 || (bd>>4)&7 < 4 {
		return 0, -1 // version 01; block sizes 4 (64 KiB) to 7 (4 MiB)
	}
	blockMax := int64(1) << (8 + 2*((bd>>4)&7))
	hdr := 3 // FLG, BD, HC
	if flg&0x08 != 0 {
		hdr += 8 // content size
	}
	if flg&0x01 != 0 {
		hdr += 4 // dictionary ID
	}
	if len(b) < hdr {
		return 0, -1
	}
	size := int64(-1)
	if flg&0x08 != 0 {
		if s := binary.LittleEndian.Uint64(b[2:]); s < 1<<62 {
			size = int64(s) // exact: the decoder checks it
		}
	}
	blockSum := flg&0x10 != 0
	b = b[hdr:]
	for {
		if len(b) < 4 {
			return n, -1
		}
		w := binary.LittleEndian.Uint32(b)
		b = b[4:]
		if w == 0 { // end mark
			if flg&0x04 != 0 { // content checksum
				if len(b) < 4 {
					return n, -1
				}
				b = b[4:]
			}
			if size >= 0 {
				n = min(n, size)
			}
			return n, int64(len(b))
		}
		c := int64(w & 0x7FFFFFFF)
		if c > int64(len(b)) {
			return n, -1
		}
		if w&0x80000000 != 0 {
			n += min(c, blockMax) // stored as is
		} else {
			n += min(blockMax, lz4MaxRatio*c)
		}
		b = b[c:]
		if blockSum {
			if len(b) < 4 {
				return n, -1
			}
			b = b[4:]
		}
	}
}

// zstdFrameBound is lz4FrameBound for a Zstandard frame.
func zstdFrameBound(b []byte) (n, rest int64) {
	if len(b) < 1 {
		return 0, -1
	}
	fhd := b[0]
	single := fhd&0x20 != 0
	if fhd&0x08 != 0 {
		return 0, -1 // reserved bit
	}
	hdr := 1
	window := int64(-1)
	if !single {
		if len(b) < 2 {
			return 0, -1
		}
		wd := b[1]
		base := int64(1) << (10 + wd>>3)
		window = base + base/8*int64(wd&7)
		hdr++
	}
	hdr += [4]int{0, 1, 2, 4}[fhd&3] // dictionary ID
	fcsLen := [4]int{0, 2, 4, 8}[fhd>>6]
	if fhd>>6 == 0 && single {
		fcsLen = 1
	}
	if len(b) < hdr+fcsLen {
		return 0, -1
	}
	size := int64(-1)
	switch fcsLen {
	case 1:
		size = int64(b[hdr])
	case 2:
		size = int64(binary.LittleEndian.Uint16(b[hdr:])) + 256
	case 4:
		size = int64(binary.LittleEndian.Uint32(b[hdr:]))
	case 8:
		if s := binary.LittleEndian.Uint64(b[hdr:]); s < 1<<62 {
			size = int64(s)
		}
	}
	if single {
		window = size
	}
	blockMax := int64(zstdBlockMax)
	if window >= 0 {
		blockMax = min(blockMax, window)
	}
	b = b[hdr+fcsLen:]
	for {
		if len(b) < 3 {
			return n, -1
		}
		h := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16
		b = b[3:]
		bsize := int64(h >> 3)
		switch (h >> 1) & 3 {
		case 0: // raw
			if bsize > int64(len(b)) {
				return n, -1
			}
			n += bsize
			b = b[bsize:]
		case 1: // RLE: one byte, repeated
			if len(b) < 1 {
				return n, -1
			}
			n += bsize
			b = b[1:]
		case 2: // compressed
			if bsize > int64(len(b)) {
				return n, -1
			}
			n += blockMax
			b = b[bsize:]
		default:
			return n, -1
		}
		if h&1 != 0 { // last block
			break
		}
	}
	if fhd&0x04 != 0 { // content checksum
		if len(b) < 4 {
			return n, -1
		}
		b = b[4:]
	}
	if size >= 0 {
		n = min(n, size)
	}
	return n, int64(len(b))
}
