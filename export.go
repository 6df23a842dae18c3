package ndview

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Exporter is implemented by owners that lend their bytes to views and must know when the
// last view is gone: Go's form of the buffer protocol (PEP 3118's getbuffer/releasebuffer).
//
// FromExporter calls Export once. The view it makes, and every view derived from it (by
// Slice, Index, Transpose, Reshape, Cast, AsReadOnly), share that export; when the last of
// them is released or collected by the garbage collector, Unexport is called once. An owner
// counts its outstanding exports and refuses to move or free its bytes (resize, close,
// unmap) while the count is not zero, answering ErrExported.
//
// Writing an Exporter:
//
//	type Frame struct {
//		mu      sync.Mutex
//		pix     []byte
//		exports int
//	}
//
//	func (f *Frame) Export() ([]byte, bool, error) {
//		f.mu.Lock(); defer f.mu.Unlock()
//		f.exports++
//		return f.pix, false, nil
//	}
//
//	func (f *Frame) Unexport() { f.mu.Lock(); f.exports--; f.mu.Unlock() }
//
// Export may be called from any goroutine, and Unexport from the garbage collector's
// cleanup goroutine: both must be safe for concurrent use. The bytes Export returns must
// stay valid, at the same address, until the matching Unexport.
type Exporter interface {
	// Export lends the bytes, says whether views of them must be read-only, or returns an
	// error (wrapping ErrReleased for an owner that is closed, say).
	Export() (b []byte, readOnly bool, err error)
	// Unexport gives back one successful Export.
	Unexport()
}

// export is one successful Export shared by a tree of views, like CPython's managed buffer.
type export struct {
	e     Exporter
	holds atomic.Int64
}

// lease is one view's hold on an export.
type lease struct {
	x       *export
	done    atomic.Bool
	cleanup runtime.Cleanup
}

// acquire takes a hold for holder, given back by release or, if holder is dropped
// without it, by a cleanup once holder is collected. A nil holder, or one of size zero
// (which the runtime never frees, so a cleanup on it would never run), gets a pin: a hold
// that only release gives back. The caller keeps another hold (or the exporter's Export)
// alive across the call.
func acquire[H any](x *export, holder *H) *lease {
	x.hold()
	l := &lease{x: x}
	if traceExports.Load() {
		traceAcquire(x, l)
	}
	if holder == nil || sizeOf[H]() == 0 {
		return l
	}
	// The cleanup's argument is the lease, which does not point back to holder
	// (runtime.AddCleanup's rule), so holder can still be collected.
	l.cleanup = runtime.AddCleanup(holder, (*lease).drop, l)
	return l
}

// hold takes one more hold on the export; the caller has one already (a live view's lease),
// so the count never rises again from zero.
func (x *export) hold() { x.holds.Add(1) }

// unhold gives one hold back; the last calls Unexport and wakes owners waiting in
// AwaitRelease.
func (x *export) unhold() {
	if x.holds.Add(-1) == 0 {
		x.e.Unexport()
		unexports.notify()
	}
}

// testHookInherit, when set by a test, runs in inherit between reading the source's export
// and taking the new view's hold: the moment at which a source that is not kept alive
// could be collected.
var testHookInherit func()

// inherit gives dst, a view just derived from src, its own hold on src's export. It is the
// one path by which every derived view (Slice, Index, Transpose, Reshape, Cast, AsReadOnly,
// Select, BroadcastTo) comes to hold its export. src must stay reachable until dst's hold
// is taken: if src were collected first, its cleanup could give the last hold back and
// unexport the memory dst is about to use.
func inherit[T, U Elem](src *View[T], dst *View[U]) {
	if src.lease != nil {
		x := src.lease.x
		if testHookInherit != nil {
			testHookInherit()
		}
		dst.lease = acquire(x, dst)
	}
	runtime.KeepAlive(src) // src's hold outlasts the start of dst's
}

// release gives the hold back now and cancels the cleanup.
func (l *lease) release() {
	l.cleanup.Stop()
	l.drop()
}

// drop gives the hold back once; the last hold of an export calls Unexport.
func (l *lease) drop() {
	if !l.done.CompareAndSwap(false, true) {
		return
	}
	if traceExports.Load() {
		traceDrop(l.x, l)
	}
	l.x.unhold()
}

// Hold is a hold on a view's exporter for a value that shares the view's memory outside
// ndview (a gonum matrix, say): while it is held, the exporter cannot resize or close.
// Release gives it back; if the holder is dropped first, the garbage collector does.
type Hold struct{ l *lease }

// Release gives the hold back. It is idempotent, and a no-op for a view with no exporter.
func (h Hold) Release() {
	if h.l != nil {
		h.l.release()
	}
}

// Held reports whether h holds an export: false for the zero Hold (a view with no exporter)
// and after Release.
func (h Hold) Held() bool { return h.l != nil && !h.l.done.Load() }

// HoldFor takes a hold on v's exporter on behalf of holder (a pointer to the value that
// shares v's memory, allocated by new, make or a composite literal, as runtime.AddCleanup
// requires): the hold lasts until Release or until holder is collected. A nil holder, or a
// pointer to a zero-size value (which the runtime never frees), gives a hold that lasts
// until Release, as Pin does. A view with no exporter gives a zero Hold.
//
// HoldFor panics with ErrReleased on a released view.
func HoldFor[T Elem, H any](v *View[T], holder *H) Hold {
	v.live()
	if v.lease == nil {
		return Hold{}
	}
	l := acquire(v.lease.x, holder)
	runtime.KeepAlive(v)
	return Hold{l}
}

// Pin takes a hold on v's exporter that only Release gives back: the garbage collector
// never does. It is for memory handed to code that cannot carry a hold (gonum's derived
// matrices, C libraries): the owner cannot resize, close or unmap until Release, and a
// forgotten Release leaks the export (and, for a Mapping, its address space) instead of
// freeing memory that is still in use. A view with no exporter gives a zero Hold.
//
// Pin panics with ErrReleased on a released view.
func Pin[T Elem](v *View[T]) Hold {
	return HoldFor[T, struct{}](v, nil)
}

// unexports wakes the owners waiting in AwaitRelease each time an export is given back.
var unexports releaseSignal

type releaseSignal struct {
	waiters atomic.Int32 // owners in AwaitRelease; notify does nothing while there are none
	mu      sync.Mutex
	ch      chan struct{} // closed and replaced by notify; nil until a waiter asks for one
	timeout atomic.Int64  // AwaitRelease's wait, in nanoseconds; 0 means the default
}

// DefaultReleaseTimeout is how long an owner waits for dropped views to be collected
// before refusing, unless SetReleaseTimeout says otherwise.
const DefaultReleaseTimeout = time.Second

// wait returns a channel that notify closes.
func (r *releaseSignal) wait() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ch == nil {
		r.ch = make(chan struct{})
	}
	return r.ch
}

// notify wakes every waiter. An export was just given back (Unexport has returned), so a
// waiter that took its channel before this call sees the change when it looks again, and
// one that takes it after sees it already (waiters is read after Unexport, and a waiter
// counts itself before it looks).
func (r *releaseSignal) notify() {
	if r.waiters.Load() == 0 {
		return
	}
	r.mu.Lock()
	if r.ch != nil {
		close(r.ch)
		r.ch = nil
	}
	r.mu.Unlock()
}

// SetReleaseTimeout sets how long AwaitRelease (and so every owner asked to close or
// resize while views remain: Buffer.Resize, Mapping.Close, safetensors.File.Close,
// npz.Archive.Close, arrowbridge.File.Close) waits for views the program has dropped to be
// collected, and returns the previous setting. The default is DefaultReleaseTimeout (one
// second); d <= 0 restores it. A refusal costs this long; a success costs only as long as
// the dropped views take to be collected.
func SetReleaseTimeout(d time.Duration) time.Duration {
	old := releaseTimeout()
	unexports.timeout.Store(int64(max(d, 0))) // 0: the default
	return old
}

func releaseTimeout() time.Duration {
	if d := time.Duration(unexports.timeout.Load()); d > 0 {
		return d
	}
	return DefaultReleaseTimeout
}

// AwaitRelease is what an owner does before refusing with ErrExported: it returns true at
// once if done does; otherwise it runs the garbage collector, so that views the program has
// dropped without Release (temporaries such as v.Index(0, i).At(j), a loop left by a panic)
// give their exports back, then waits, woken each time any export is given back, until
// done returns true or the release timeout passes (SetReleaseTimeout), and returns done's
// last answer. A view the program still uses afterwards, or keeps with runtime.KeepAlive,
// or a Pin, is not collected, and the owner refuses.
//
// done reports whether the owner's exports are all given back; it is called from the
// caller's goroutine, which must not hold a lock that the owner's Unexport takes (release
// it, wait, take it again and look once more). Owners written outside ndview call it the
// same way:
//
//	func (f *Frame) Close() error {
//		if !ndview.AwaitRelease(func() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.exports == 0 }) {
//			return fmt.Errorf("frame has live views: %w", ndview.ErrExported)
//		}
//		...
//	}
//
// The hazard this sharpens: a slice from Raw, UnsafeRaw, Runs or UnsafeRuns does not hold
// the export, so once its view is dropped, the owner's next Close can collect the view and
// unmap the memory under the slice. Keep the view (or a Hold) alive while the slice is used.
func AwaitRelease(done func() bool) bool {
	if done() {
		return true
	}
	unexports.waiters.Add(1)
	defer unexports.waiters.Add(-1)
	runtime.GC() // queues the cleanups of every dropped view; they run on other goroutines
	timer := time.NewTimer(releaseTimeout())
	defer timer.Stop()
	for {
		ch := unexports.wait()
		if done() {
			return true
		}
		select {
		case <-ch:
		case <-timer.C:
			return done()
		}
	}
}

// FromExporter returns a C-contiguous view of the bytes e lends (with no shape, 1-D over all
// of them), holding the export until the view and every view derived from it are released
// or collected. The view is read-only if e says so.
//
// FromExporter returns e's error if it will not export, and otherwise the errors of
// FromBytes; on error the export is given back at once.
func FromExporter[T Elem](e Exporter, shape ...int) (*View[T], error) {
	b, ro, err := e.Export()
	if err != nil {
		return nil, err
	}
	v, err := fromBytes[T](b, ro, e, shape)
	if err != nil {
		e.Unexport()
		return nil, within("FromExporter", err)
	}
	v.lease = acquire(&export{e: e}, v)
	return v, nil
}

// Buffer is a resizable byte store, like Python's bytearray, that lends its bytes to views.
// Resize refuses while any view of it is alive. A Buffer is safe for concurrent use.
type Buffer struct {
	mu      sync.Mutex
	b       []byte
	exports int
}

var _ Exporter = (*Buffer)(nil)

// NewBuffer returns a zeroed Buffer of n bytes. It panics with ErrShape if n < 0.
func NewBuffer(n int) *Buffer {
	if n < 0 {
		opPanicf("NewBuffer", ErrShape, "negative length %d", n)
	}
	return &Buffer{b: newAligned(n, "NewBuffer")}
}

// alignedBytes returns n zeroed bytes aligned for any Elem (16 bytes for complex128's sake;
// Go's allocator aligns a []complex128 at least to 8, which is what complex128 needs).
func alignedBytes(n int) []byte { return newAligned(n, "allocation") }

// newAligned is alignedBytes for the public call what, which its ErrOverflow panic names.
func newAligned(n int, what string) []byte {
	if n == 0 {
		return nil
	}
	checkAlloc(n, true, what)
	return bytesOf(make([]complex128, (n+15)/16))[:n:n]
}

// Len returns the buffer's length in bytes.
func (b *Buffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.b)
}

// Bytes returns the buffer's bytes; they are valid until the next successful Resize.
func (b *Buffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b
}

// Resize changes the buffer's length to n, keeping the first min(n, Len()) bytes and
// zeroing the rest. Resize returns an error wrapping ErrExported while any reachable view of
// the buffer (or any view derived from one, or a Hold) is unreleased, as bytearray does, and
// ErrShape if n < 0. Views the program has dropped do not count: Resize collects them first,
// waiting up to the release timeout (AwaitRelease), which is what a refusal costs.
func (b *Buffer) Resize(n int) error {
	if n < 0 {
		return opErrorf("Buffer.Resize", ErrShape, "negative length %d", n)
	}
	AwaitRelease(func() bool { return b.Exports() == 0 })
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.exports > 0 {
		return opErrorf("Buffer.Resize", ErrExported, "the buffer has %s (views or holds the program still uses); release them first (values handed to gonum: gonumbridge.Unpin); %s", count(b.exports, "live export"), ExportsHint(b))
	}
	nb := newAligned(n, "Buffer.Resize")
	copy(nb, b.b)
	b.b = nb
	return nil
}

// Exports returns the number of exports outstanding.
func (b *Buffer) Exports() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.exports
}

// Export implements Exporter.
func (b *Buffer) Export() ([]byte, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.exports++
	return b.b, false, nil
}

// Unexport implements Exporter.
func (b *Buffer) Unexport() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.exports--
}
