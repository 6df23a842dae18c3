package ndview

import (
	"iter"
	"runtime"
)

// This file holds the iterators (Values, All, Runs, Zip) and Apply. Runs, Zip and Apply run
// on the engine (driver.go); Values walks the plan itself, without the engine's kernel
// calls, so that the loop body is inlined into its inner loop; All, which reports indices,
// walks the view's own axes. Values, Runs and Zip visit in C order, Apply in memory order.

// loopLease takes a hold on v's export for the length of a loop over v, so that a Release
// in the loop body cannot unmap memory the loop still reads; the loop gives it back with end
// when it returns. The hold belongs to the *loopHold it returns, which the loop keeps
// reachable until end (every path out of the loop uses it), so no collection during the
// body can give it back. A loop left by a panic from its body (where end does not run:
// Values cannot defer, or its body would not be inlined) drops the *loopHold with its
// frame, and the next collection gives the hold back, where a plain count would leak; owners
// run that collection before refusing (AwaitRelease). Over memory with no exporter it
// returns nil and allocates nothing.
func (v *View[T]) loopLease() *loopHold {
	if v.lease == nil {
		return nil
	}
	return newLoopHold(v.lease.x)
}

// loopHold is a loop's hold on an export: the holder of its lease, which the lease (the
// cleanup's argument) does not point back to, as runtime.AddCleanup requires.
type loopHold struct{ l *lease }

//go:noinline
func newLoopHold(x *export) *loopHold {
	h := new(loopHold)
	h.l = acquire(x, h)
	return h
}

// end gives a loop's hold back; a nil hold (no exporter) does nothing.
func (h *loopHold) end() {
	if h != nil {
		h.l.release()
	}
}

// errReleasedInLoop ends a loop whose view was released in the loop's body.
var errReleasedInLoop = &Error{Kind: ErrReleased, Msg: "view released inside a loop over it"}

// Values returns an iterator over the elements in C order. The loop body is inlined into
// the inner loop where the compiler can, so iterating costs about what a hand-written loop
// over the same layout does.
//
// A loop over the iterator holds v's export until it returns, so the memory stays mapped
// for the loop's body even if the view is released there; a Release in the body ends the
// loop with a panic wrapping ErrReleased before another element is read. The same holds
// for All, Runs, UnsafeRuns, Zip, Apply and Apply2.
//
// Values panics with ErrReleased if v is released.
func (v *View[T]) Values() iter.Seq[T] {
	v.live()
	return func(yield func(T) bool) {
		v.live() // again: the view may have been released since Values was called
		if v.size == 0 {
			return
		}
		// No defer here: it would keep this function, and with it the loop body, from
		// being inlined into the caller's loop.
		h := v.loopLease()
		p := v.base()
		var w plan
		w.init(v.lay.shape, false, v.lay.operand())
		isz, _ := itemInfo[T]()
		for w.next() {
			if w.inner[0] == isz {
				// A contiguous run: the loop a caller would write over a slice.
				for _, x := range unsafeSlice(at[T](p, w.off[0]), w.n) {
					if !yield(x) {
						h.end()
						return
					}
					if v.released {
						h.end()
						panic(errReleasedInLoop)
					}
				}
				continue
			}
			off, st := w.off[0], w.inner[0]
			for range w.n {
				if !yield(*at[T](p, off)) {
					h.end()
					return
				}
				if v.released {
					h.end()
					panic(errReleasedInLoop)
				}
				off += st
			}
		}
		h.end()
		runtime.KeepAlive(v)
	}
}

// All returns an iterator over (index, element) pairs in C order. The index slice is
// reused between steps: copy it to keep it.
//
// All panics with ErrReleased if v is released.
func (v *View[T]) All() iter.Seq2[[]int, T] {
	v.live()
	return func(yield func([]int, T) bool) {
		v.live()
		if v.size == 0 {
			return
		}
		defer v.loopLease().end()
		p := v.base()
		shape, strides := v.lay.shape, v.lay.strides // Release replaces v.lay
		n := len(shape)
		idx := make([]int, n)
		off := v.lay.offset
		for {
			if !yield(idx, *at[T](p, off)) {
				return
			}
			if v.released {
				panic(errReleasedInLoop)
			}
			k := n - 1
			for ; k >= 0; k-- {
				idx[k]++
				off += strides[k]
				if idx[k] < shape[k] {
					break
				}
				off -= strides[k] * idx[k]
				idx[k] = 0
			}
			if k < 0 {
				runtime.KeepAlive(v)
				return
			}
		}
	}
}

// Runs returns an iterator over the view's elements as maximal contiguous runs, in C order:
// writable []T that alias the view, for kernels that run at raw-slice speed. Axes contiguous
// with each other are merged, so a C-contiguous view is one run; a view whose innermost
// stride is not one element gives runs of length 1.
//
// A run stays valid while the loop body that received it runs, even if the view is
// released there (see Values). A run kept after the loop is the caller's to keep no longer
// than the view, or a Hold, lives, as with Raw: over a mapped file it would otherwise point
// into unmapped memory.
//
// Runs panics with ErrReadOnly on a read-only view (use UnsafeRuns to read one) and
// ErrReleased on a released view.
func (v *View[T]) Runs() iter.Seq[[]T] {
	v.live()
	if v.ro {
		opPanicf("Runs", ErrReadOnly, "the view is read-only; use UnsafeRuns to read it")
	}
	return v.runs()
}

// UnsafeRuns is Runs for views that may be read-only: the caller must not write through the
// slices of a read-only view (the memory may be a string or a read-only mapping, where a
// write crashes the program).
func (v *View[T]) UnsafeRuns() iter.Seq[[]T] {
	v.live()
	return v.runs()
}

func (v *View[T]) runs() iter.Seq[[]T] {
	return func(yield func([]T) bool) {
		var e engine
		e.begin("Runs", true, false)
		addOperand(&e, v, bcSame)
		if !e.ready(false) {
			return
		}
		defer e.done()
		p := e.ptr[0]
		each1(&e, func(s []T) bool {
			if !yield(s) {
				return false
			}
			e.check()
			return true
		}, func(off, step, n int) bool {
			for range n {
				if !yield(runSlice[T](p, off, 1)) {
					return false
				}
				e.check()
				off += step
			}
			return true
		})
	}
}

// Zip returns an iterator over the elements of a and b in lockstep, in C order.
//
// Zip panics with ErrShape unless a and b have the same shape, and ErrReleased if either is
// released.
func Zip[T, U Elem](a *View[T], b *View[U]) iter.Seq2[T, U] {
	a.live()
	b.live()
	if !equalInts(a.lay.shape, b.lay.shape) {
		opPanicf("Zip", ErrShape, "shapes %v and %v differ", a.lay.shape, b.lay.shape)
	}
	return func(yield func(T, U) bool) {
		var e engine
		e.begin("Zip", true, false)
		addOperand(&e, a, bcSame)
		addOperand(&e, b, bcSame)
		if !e.ready(false) {
			return
		}
		defer e.done()
		pa, pb := e.ptr[0], e.ptr[1]
		each2[T, U](&e, nil, func(oa, sa, ob, sb, n int) bool {
			for range n {
				if !yield(*at[T](pa, oa), *at[U](pb, ob)) {
					return false
				}
				e.check()
				oa, ob = oa+sa, ob+sb
			}
			return true
		})
	}
}

// Apply sets every element of dst to f(dst element, src element): one call for an
// elementwise kernel over any two strided views of one shape. Elements are visited in an
// unspecified order (memory order, as NumPy's ufuncs do): f must not depend on it (use Zip
// for C order). If src shares memory with dst in a different layout, src is copied first,
// so the result is as if all of src were read before dst is written. Apply2 takes a third
// operand and broadcasts.
//
// Apply panics with ErrShape unless the shapes match, ErrReadOnly if dst is read-only, and
// ErrReleased if either view is released, including by f (see Values).
func Apply[T, U Elem](dst *View[T], src *View[U], f func(T, U) T) {
	var e engine
	e.begin("Apply", true, true)
	addOperand(&e, dst, bcSame)
	addOperand(&e, src, bcSame)
	if !e.ready(true) {
		return
	}
	defer e.done()
	p0, p1 := e.ptr[0], e.ptr[1]
	each2(&e, func(d []T, s []U) bool {
		s = s[:len(d)]
		for i, x := range d {
			d[i] = f(x, s[i])
			e.check()
		}
		return true
	}, func(o0, s0, o1, s1, n int) bool {
		for range n {
			d := at[T](p0, o0)
			*d = f(*d, *at[U](p1, o1))
			e.check()
			o0, o1 = o0+s0, o1+s1
		}
		return true
	})
}
