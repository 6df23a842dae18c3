package ndview

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Where each live view was made, for refusals that say what holds an owner.
//
// With NDVIEW_TRACE=exports in the environment (read once, when the program starts), every
// hold on an exporter (a view, a derived view, a Hold, a loop in progress) records the call
// site outside ndview that made it, and an owner that refuses to close or resize lists the
// sites of the holds that remain (LiveExports). Tracing costs a stack walk and a map entry
// per view; off, it costs one branch.

var traceExports = func() (b atomic.Bool) {
	b.Store(strings.Contains(","+os.Getenv("NDVIEW_TRACE")+",", ",exports,"))
	return
}()

// traced is the registry of live holds by exporter, kept only while tracing.
var traced struct {
	mu    sync.Mutex
	sites map[Exporter]map[*lease]string
}

// traceAcquire records where l, a new hold on x, was made.
func traceAcquire(x *export, l *lease) {
	site := callSite()
	traced.mu.Lock()
	defer traced.mu.Unlock()
	if traced.sites == nil {
		traced.sites = map[Exporter]map[*lease]string{}
	}
	m := traced.sites[x.e]
	if m == nil {
		m = map[*lease]string{}
		traced.sites[x.e] = m
	}
	m[l] = site
}

// traceDrop forgets l, a hold on x given back.
func traceDrop(x *export, l *lease) {
	traced.mu.Lock()
	defer traced.mu.Unlock()
	if m := traced.sites[x.e]; m != nil {
		delete(m, l)
		if len(m) == 0 {
			delete(traced.sites, x.e)
		}
	}
}

// callSite returns "file:line (function)" of the first caller outside ndview's packages (a
// test file of ndview counts as outside).
func callSite() string {
	var pcs [32]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "github.com/ndview/ndview") || strings.HasSuffix(f.File, "_test.go") {
			return fmt.Sprintf("%s:%d (%s)", f.File, f.Line, f.Function)
		}
		if !more {
			return "unknown"
		}
	}
}

// LiveExports returns where each hold on e's exports that is still outstanding was made
// ("file:line (function)", sorted), when the program runs with NDVIEW_TRACE=exports; nil
// otherwise. Owners list them in their refusals; owners written outside ndview can too.
func LiveExports(e Exporter) []string {
	if !traceExports.Load() {
		return nil
	}
	traced.mu.Lock()
	defer traced.mu.Unlock()
	var sites []string
	for _, s := range traced.sites[e] {
		sites = append(sites, s)
	}
	slices.Sort(sites)
	return sites
}

// ExportsHint is what a refusal of owner e adds to its message: where its live views were
// made, or how to find out.
func ExportsHint(e Exporter) string {
	if !traceExports.Load() {
		return "run with NDVIEW_TRACE=exports to see where each was made"
	}
	sites := LiveExports(e)
	if len(sites) == 0 {
		return "no traced hold remains (holds taken before tracing began are not traced)"
	}
	return "made at " + strings.Join(sites, ", ")
}
