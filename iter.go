package ndview

import (
	"iter"
	"runtime"
)

// This file holds the iterators (Values, All, Runs, Zip) and Apply. All but All run on the
// walk plan (plan.go); Values, Runs and Zip visit in C order, Apply in memory order. All,
// which reports indices, walks the view's own axes.

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
		v.live()
		if v.size == 0 {
			return
		}
		defer v.loopLease().end()
		isz, _ := itemInfo[T]()
		p := v.base()
		var w plan
		w.init(v.lay.shape, false, v.lay.operand())
		contiguous := w.inner[0] == isz || w.n == 1
		for w.next() {
			if contiguous {
				if !yield(runSlice[T](p, w.off[0], w.n)) {
					return
				}
				if v.released {
					panic(errReleasedInLoop)
				}
				continue
			}
			off := w.off[0]
			for range w.n {
				if !yield(runSlice[T](p, off, 1)) {
					return
				}
				if v.released {
					panic(errReleasedInLoop)
				}
				off += w.inner[0]
			}
		}
		runtime.KeepAlive(v)
	}
}

// sameShape panics with ErrShape unless a and b have the same shape.
func sameShape(op string, a, b []int) {
	if !equalInts(a, b) {
		opPanicf(op, ErrShape, "shapes %v and %v differ", a, b)
	}
}

// Zip returns an iterator over the elements of a and b in lockstep, in C order.
//
// Zip panics with ErrShape unless a and b have the same shape, and ErrReleased if either is
// released.
func Zip[T, U Elem](a *View[T], b *View[U]) iter.Seq2[T, U] {
	a.live()
	b.live()
	sameShape("Zip", a.lay.shape, b.lay.shape)
	return func(yield func(T, U) bool) {
		a.live()
		b.live()
		if a.size == 0 {
			return
		}
		defer a.loopLease().end()
		defer b.loopLease().end()
		pa, pb := a.base(), b.base()
		var w plan
		w.init(a.lay.shape, false, a.lay.operand(), b.lay.operand())
		for w.next() {
			oa, ob := w.off[0], w.off[1]
			for range w.n {
				if !yield(*at[T](pa, oa), *at[U](pb, ob)) {
					return
				}
				if a.released || b.released {
					panic(errReleasedInLoop)
				}
				oa += w.inner[0]
				ob += w.inner[1]
			}
		}
		runtime.KeepAlive(a)
		runtime.KeepAlive(b)
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
	dst.live()
	src.live()
	sameShape("Apply", dst.lay.shape, src.lay.shape)
	if dst.ro {
		opPanicf("Apply", ErrReadOnly, "the destination is read-only")
	}
	if dst.size == 0 {
		return
	}
	defer dst.loopLease().end()
	defer src.loopLease().end()
	orig := src
	if overlaps(dst, src) && !sameElems(dst, src) {
		src = src.Clone()
	}
	pd, ps := dst.base(), src.base()
	var w plan
	w.init(dst.lay.shape, true, dst.lay.operand(), src.lay.operand())
	tsz, _ := itemInfo[T]()
	usz, _ := itemInfo[U]()
	contiguous := w.contiguous(tsz, usz)
	for w.next() {
		if contiguous {
			ds := runSlice[T](pd, w.off[0], w.n)
			ss := runSlice[U](ps, w.off[1], len(ds))
			for i, x := range ds {
				ds[i] = f(x, ss[i])
				if dst.released || orig.released {
					panic(errReleasedInLoop)
				}
			}
			continue
		}
		od, os := w.off[0], w.off[1]
		for range w.n {
			d := at[T](pd, od)
			*d = f(*d, *at[U](ps, os))
			if dst.released || orig.released {
				panic(errReleasedInLoop)
			}
			od += w.inner[0]
			os += w.inner[1]
		}
	}
	runtime.KeepAlive(dst)
	runtime.KeepAlive(src)
}
