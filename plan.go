package ndview

// This file is the walk plan under every whole-view operation: Copy, Equal, ToBytes, Fill,
// Convert, Apply, Apply2, Zip, Values, Runs and the reductions. A plan is built once per call
// from the operands' layouts (NumPy's nditer and rust-ndarray's Zip do the same):
//
//  1. axes of length 1 are dropped;
//  2. where the result does not depend on the visiting order (memory order), axes whose
//     strides are all negative or zero are flipped, and the axes are sorted so that the
//     one with the smallest strides is innermost (npyiter_find_best_axis_ordering's rule:
//     an axis moves inside another only if no operand disagrees);
//  3. adjacent axes that are contiguous with each other in every operand are merged;
//  4. the innermost axis becomes a run: a kernel loops over it, as a plain slice when every
//     operand steps one element, and an odometer walks the outer axes.
//
// Kernels are small typed loops over runs; a new operation adds a kernel, not a loop nest.

// maxOps is the number of operands a plan walks in lockstep: a destination and three
// sources.
const maxOps = 4

// plan walks the runs of up to maxOps layouts of one shape.
type plan struct {
	nops  int
	nd    int          // outer axes
	n     int          // length of every run
	runs  int          // runs still to visit
	inner [maxOps]int  // run strides, in bytes
	off   [maxOps]int  // byte offset of the current run's first element, per operand
	dims  [MaxDims]int // outer axes, outermost first
	str   [maxOps][MaxDims]int
	idx   [MaxDims]int
	first bool
}

// operand is one operand's strides (over the plan's shape, broadcast already) and offset.
type operand struct {
	strides []int
	offset  int
}

// init prepares a walk over the operands of a non-empty shape. With memOrder, the walk may
// visit elements in any order and takes the cheapest; otherwise it visits in C order.
func (p *plan) init(shape []int, memOrder bool, ops ...operand) {
	nops := len(ops)
	p.nops = nops
	// Gather the axes longer than 1, in C order.
	var ax [MaxDims]int
	na := 0
	for k, d := range shape {
		if d != 1 {
			ax[na] = k
			na++
		}
	}
	for o := range nops {
		p.off[o] = ops[o].offset
	}
	var flipped [MaxDims]bool
	if memOrder {
		// Flip axes that step backwards (or not at all) in every operand.
		for _, k := range ax[:na] {
			flip, some := true, false
			for o := range nops {
				s := ops[o].strides[k]
				flip = flip && s <= 0
				some = some || s < 0
			}
			if flip && some {
				flipped[k] = true
				for o := range nops {
					p.off[o] += ops[o].strides[k] * (shape[k] - 1)
				}
			}
		}
		// Insertion sort, outermost first: b moves outside a only when every operand that
		// steps along both says b's stride is the larger.
		for i := 1; i < na; i++ {
			for j := i; j > 0 && outside(ops, ax[j], ax[j-1]); j-- {
				ax[j], ax[j-1] = ax[j-1], ax[j]
			}
		}
	}
	// Copy in plan order, merging each axis into the one before it when that one's stride
	// is exactly this one's times its length in every operand.
	nd := 0
	for _, k := range ax[:na] {
		d := shape[k]
		sign := 1
		if flipped[k] {
			sign = -1
		}
		if nd > 0 {
			merge := true
			for o := range nops {
				if p.str[o][nd-1] != sign*ops[o].strides[k]*d {
					merge = false
					break
				}
			}
			if merge {
				p.dims[nd-1] *= d
				for o := range nops {
					p.str[o][nd-1] = sign * ops[o].strides[k]
				}
				continue
			}
		}
		p.dims[nd] = d
		for o := range nops {
			p.str[o][nd] = sign * ops[o].strides[k]
		}
		nd++
	}
	p.n = 1
	if nd > 0 {
		nd--
		p.n = p.dims[nd]
		for o := range nops {
			p.inner[o] = p.str[o][nd]
		}
	} else {
		for o := range nops {
			p.inner[o] = 0
		}
	}
	p.nd = nd
	p.runs = 1
	for k := range nd {
		p.runs *= p.dims[k]
		p.idx[k] = 0
	}
	p.first = true
}

// outside reports whether axis b should be walked outside axis a: some operand steps
// further along b than along a, and none the other way (ties keep the C order).
func outside(ops []operand, b, a int) bool {
	swap := false
	for _, op := range ops {
		sa, sb := absInt(op.strides[a]), absInt(op.strides[b])
		if sa == 0 || sb == 0 {
			continue
		}
		if sb <= sa {
			return false
		}
		swap = true
	}
	return swap
}

// next moves to the next run, reporting false when there is none.
func (p *plan) next() bool {
	if p.runs == 0 {
		return false
	}
	p.runs--
	if p.first {
		p.first = false
		return true
	}
	for k := p.nd - 1; k >= 0; k-- {
		p.idx[k]++
		if p.idx[k] < p.dims[k] {
			for o := range p.nops {
				p.off[o] += p.str[o][k]
			}
			return true
		}
		p.idx[k] = 0
		for o := range p.nops {
			p.off[o] -= p.str[o][k] * (p.dims[k] - 1)
		}
	}
	return true
}

// contiguous reports whether every run steps one element of size isz in every operand (or
// the runs have length 1).
func (p *plan) contiguous(isz ...int) bool {
	if p.n == 1 {
		return true
	}
	for o := range p.nops {
		if p.inner[o] != isz[o] {
			return false
		}
	}
	return true
}

// extract removes outer axis j from the walk and returns its length and strides for the
// first two operands; the walk then visits the remaining runs, and the caller covers axis j
// itself.
func (p *plan) extract(j int) (n, s0, s1 int) {
	n, s0, s1 = p.dims[j], p.str[0][j], p.str[1][j]
	copy(p.dims[j:p.nd], p.dims[j+1:p.nd])
	for o := range p.nops {
		copy(p.str[o][j:p.nd], p.str[o][j+1:p.nd])
	}
	p.nd--
	p.runs /= n
	return n, s0, s1
}

// operand returns the operand of a layout, for a plan over its own shape.
func (l *layout) operand() operand { return operand{l.strides, l.offset} }

// broadcastStrides writes into out (of len(shape)) the strides of l broadcast to shape by
// NumPy's rules: dims are matched from the right, a dim of 1 stretches with stride 0, and
// missing leading dims have stride 0. It reports false if l does not broadcast to shape.
func broadcastStrides(l *layout, shape []int, out []int) bool {
	n, m := len(shape), len(l.shape)
	if m > n {
		return false
	}
	for k := range n {
		out[k] = 0
		j := k - (n - m)
		if j < 0 {
			continue
		}
		switch d := l.shape[j]; {
		case d == shape[k]:
			if d != 1 {
				out[k] = l.strides[j]
			}
		case d == 1:
		default:
			return false
		}
	}
	return true
}
