package ndview

import "runtime"

// This file is the engine under every whole-view elementwise operation (Copy, Convert,
// Fill, Equal, Apply, Apply2, Zip, Runs): one preparation of the operands and one driver
// that walks the plan's runs and hands each to a kernel, either as plain slices (a run that
// steps one element in every operand) or as a strided run (offsets and steps in bytes), as
// rust-ndarray's Zip::for_each_core does. A new operation is a kernel, not a loop nest.
//
// Preparation, in this order, for every operation: every operand is live; each source
// broadcasts to the destination's shape (by assignment's rules, a ufunc's, or not at all);
// the destination is writable; an empty shape ends the call; an operation that runs the
// caller's code takes a hold on every operand's export for the walk (a Release in the body
// must not unmap what the walk still reads); a source that shares memory with the
// destination in another layout is copied first; the plan is built. After the walk the
// operands are kept alive to its end (runtime.KeepAlive) and the holds given back.
//
// The reductions walk with their own planner (reduce_plan.go), which keeps some axes
// whole, and Values writes its walk out so that the loop body inlines into it.

// broadcast says how a source meets the destination's shape.
type broadcast uint8

const (
	bcSame   broadcast = iota // the shapes must be equal (Apply, Zip)
	bcAssign                  // NumPy's assignment: np.copyto, d[...] = s (Copy, Convert)
	bcUfunc                   // NumPy's ufuncs: leading axes of 1 are not dropped (Apply2)
)

// engine is one operation's operands, prepared, and its walk. Operand 0 is the destination
// (or the first operand of a read-only operation such as Equal).
type engine struct {
	plan
	op       string
	shape    []int
	nops     int
	user     bool // the walk runs the caller's code: hold exports, check releases
	memOrder bool // visit in memory order (else C order)
	seen     uint64
	ptr      [maxOps]mem
	isz      [maxOps]int
	bcast    [maxOps]bool // operand i walks with the strides in bs[i], from offset boff[i]
	boff     [maxOps]int
	lay      [maxOps]*layout // each operand's own layout, before broadcasting
	how      [maxOps]broadcast
	bs       [maxOps][MaxDims]int
	rel      [maxOps]*bool // the caller's views' released flags
	ro       [maxOps]bool
	lease    [maxOps]*lease
	keep     [maxOps]any // the views walked (a copy, where one was made)
	holds    [maxOps]*loopHold
}

// begin starts the preparation of operation op. With user, the walk runs the caller's code
// (Apply's f, a loop body); with memOrder, it may visit elements in any order.
func (e *engine) begin(op string, user, memOrder bool) {
	e.op, e.user, e.memOrder = op, user, memOrder
}

// addOperand adds v as the next operand, after checking it is live. The first operand gives
// the shape every other one broadcasts to, as how says.
func addOperand[T Elem](e *engine, v *View[T], how broadcast) {
	v.live()
	i := e.nops
	e.nops++
	if i == 0 {
		e.shape = v.lay.shape
	}
	e.isz[i], _ = itemInfo[T]()
	e.lay[i] = &v.lay
	e.how[i] = how
	e.rel[i] = &v.released
	e.ro[i] = v.ro
	e.lease[i] = v.lease
	e.keep[i] = v
	e.ptr[i] = mem{}
	if v.size > 0 {
		e.ptr[i] = v.base()
	}
}

// cloner is a view of any element type that can copy itself (an operand in keep).
type cloner interface {
	cloneOperand() (any, *layout, mem)
}

// cloneOperand returns a copy of v, with its layout and address.
func (v *View[T]) cloneOperand() (any, *layout, mem) {
	c := v.Clone()
	return c, &c.lay, c.base()
}

// broadcast works out operand i's strides over the shape, panicking with ErrShape if it
// does not broadcast.
func (e *engine) broadcast(i int) {
	l := e.lay[i]
	e.bcast[i] = false
	if i == 0 || equalInts(l.shape, e.shape) {
		return
	}
	n := len(e.shape)
	switch e.how[i] {
	case bcSame:
		opPanicf(e.op, ErrShape, "shapes %v and %v differ", e.shape, l.shape)
	case bcAssign:
		// Leading axes of length 1 beyond the shape's rank are dropped, as NumPy's
		// assignment drops them.
		c := *l
		for len(c.shape) > n && c.shape[0] == 1 {
			c.shape, c.strides = c.shape[1:], c.strides[1:]
		}
		l = &c
	}
	if !broadcastStrides(l, e.shape, e.bs[i][:n]) {
		opPanicf(e.op, ErrShape, "a source of shape %v does not broadcast to shape %v", e.lay[i].shape, e.shape)
	}
	e.bcast[i], e.boff[i] = true, l.offset
}

// operand returns operand i's strides over the shape and its offset.
func (e *engine) operand(i int) operand {
	if e.bcast[i] {
		return operand{e.bs[i][:len(e.shape)], e.boff[i]}
	}
	return e.lay[i].operand()
}

// ready finishes the preparation: sources broadcast, the destination is writable (with
// writes), sources overlapping the destination are copied, holds are taken, and the plan is
// built. It reports false when the shape is empty: there is nothing to walk.
func (e *engine) ready(writes bool) bool {
	for i := range e.nops {
		e.broadcast(i)
	}
	if writes && e.ro[0] {
		opPanicf(e.op, ErrReadOnly, "the destination is read-only")
	}
	if hasZero(e.shape) {
		return false
	}
	if e.user {
		for i := range e.nops {
			if e.lease[i] != nil {
				e.holds[i] = newLoopHold(e.lease[i].x)
			}
		}
		e.seen = releases.Load()
	}
	if writes {
		for i := 1; i < e.nops; i++ {
			if e.overlapsDst(i) {
				e.keep[i], e.lay[i], e.ptr[i] = e.keep[i].(cloner).cloneOperand()
				e.broadcast(i)
			}
		}
	}
	var ops [maxOps]operand
	for i := range e.nops {
		ops[i] = e.operand(i)
	}
	e.init(e.shape, e.memOrder, ops[:e.nops]...)
	return true
}

// overlapsDst reports whether source i shares bytes with the destination without being
// it: without addressing exactly its elements in its order (an in-place operation, which
// needs no copy).
func (e *engine) overlapsDst(i int) bool {
	d, s := e.lay[0], e.lay[i]
	dlo, dend := d.extent(e.isz[0])
	slo, send := s.extent(e.isz[i])
	if !(addrOf(e.ptr[0], dlo) < addrOf(e.ptr[i], send) && addrOf(e.ptr[i], slo) < addrOf(e.ptr[0], dend)) {
		return false
	}
	return !e.isDst(i)
}

// isDst reports whether operand i addresses exactly the destination's elements, in its
// order.
func (e *engine) isDst(i int) bool {
	d, s := e.lay[0], e.lay[i]
	return e.isz[0] == e.isz[i] && addrOf(e.ptr[0], d.offset) == addrOf(e.ptr[i], s.offset) &&
		equalInts(d.shape, s.shape) && equalInts(d.strides, s.strides)
}

// check ends a walk that runs the caller's code with a panic wrapping ErrReleased once any
// operand has been released: one load of the process-wide count of releases, and a look at
// the operands only when it has moved.
func (e *engine) check() {
	if releases.Load() != e.seen {
		e.recheck()
	}
}

func (e *engine) recheck() {
	for _, r := range e.rel[:e.nops] {
		if *r {
			panic(errReleasedInLoop)
		}
	}
	e.seen = releases.Load()
}

// done ends the walk: the operands stay alive to here, and the holds are given back.
func (e *engine) done() {
	for i := range e.nops {
		runtime.KeepAlive(e.keep[i])
		e.holds[i].end()
	}
}

// each1 walks the runs of one operand: contiguous ones as slices to contig, the others to
// strided (byte offset, byte step, length). A kernel returns false to end the walk.
func each1[T Elem](e *engine, contig func([]T) bool, strided func(off, step, n int) bool) {
	p := e.ptr[0]
	if e.contiguous(e.isz[0]) && contig != nil {
		for e.next() {
			if !contig(runSlice[T](p, e.off[0], e.n)) {
				return
			}
		}
		return
	}
	for e.next() {
		if !strided(e.off[0], e.inner[0], e.n) {
			return
		}
	}
}

// each2 is each1 for two operands in lockstep.
func each2[T, U Elem](e *engine, contig func([]T, []U) bool, strided func(o0, s0, o1, s1, n int) bool) {
	p0, p1 := e.ptr[0], e.ptr[1]
	if e.contiguous(e.isz[0], e.isz[1]) && contig != nil {
		for e.next() {
			if !contig(runSlice[T](p0, e.off[0], e.n), runSlice[U](p1, e.off[1], e.n)) {
				return
			}
		}
		return
	}
	for e.next() {
		if !strided(e.off[0], e.inner[0], e.off[1], e.inner[1], e.n) {
			return
		}
	}
}

// each3 is each1 for three operands in lockstep.
func each3[T, U, W Elem](e *engine, contig func([]T, []U, []W) bool, strided func(o0, s0, o1, s1, o2, s2, n int) bool) {
	p0, p1, p2 := e.ptr[0], e.ptr[1], e.ptr[2]
	if e.contiguous(e.isz[0], e.isz[1], e.isz[2]) && contig != nil {
		for e.next() {
			if !contig(runSlice[T](p0, e.off[0], e.n), runSlice[U](p1, e.off[1], e.n), runSlice[W](p2, e.off[2], e.n)) {
				return
			}
		}
		return
	}
	for e.next() {
		if !strided(e.off[0], e.inner[0], e.off[1], e.inner[1], e.off[2], e.inner[2], e.n) {
			return
		}
	}
}
