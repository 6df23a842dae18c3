// Command releasecheck checks that ndview's modules work for a user who has only the module
// proxy: no checkout, no replace directive, no workspace. It writes a module proxy on disk
// from the repository's history (the root module at HEAD under a pseudo-version, the root at
// the version arrowbridge requires, arrowbridge at HEAD), then builds and runs two consumer
// modules against it with GOWORK=off: one that requires only arrowbridge (what
// `go get github.com/ndview/ndview/arrowbridge` gives a user) and one that requires the root
// and arrowbridge at HEAD and imports what the README shows, checking with `go list -m` that
// it got HEAD's root. Third-party modules come from the usual proxy.
//
// Usage (from .ci/release-check): go run . -repo ../..
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	modzip "golang.org/x/mod/zip"
)

const (
	rootPath  = "github.com/ndview/ndview"
	arrowPath = "github.com/ndview/ndview/arrowbridge"
)

func main() {
	repo := flag.String("repo", "../..", "the repository (a full clone: the check reads its history)")
	upstream := flag.String("upstream", "", "the proxy for third-party modules (default: go env GOPROXY)")
	keep := flag.Bool("keep", false, "keep the temporary proxy and consumers")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("release-check: ")
	root, err := filepath.Abs(*repo)
	if err != nil {
		log.Fatal(err)
	}
	if *upstream == "" {
		*upstream = strings.TrimSpace(run(root, nil, "go", "env", "GOPROXY"))
	}
	work, err := os.MkdirTemp("", "ndview-release-check-")
	if err != nil {
		log.Fatal(err)
	}
	if !*keep {
		defer os.RemoveAll(work)
	}

	head := strings.TrimSpace(run(root, nil, "git", "rev-parse", "HEAD"))
	headVer := pseudoVersion(root, head)
	log.Printf("HEAD %s is %s", head[:12], headVer)

	// The root version arrowbridge requires must be a real commit of this repository, named
	// by a pseudo-version whose time matches the commit's (the go command checks both).
	mf, err := modfile.Parse("arrowbridge/go.mod", []byte(run(root, nil, "git", "show", head+":arrowbridge/go.mod")), nil)
	if err != nil {
		log.Fatal(err)
	}
	if len(mf.Replace) != 0 {
		log.Fatalf("arrowbridge/go.mod has replace directives; they do not apply to its users")
	}
	var reqVer string
	for _, r := range mf.Require {
		if r.Mod.Path == rootPath {
			reqVer = r.Mod.Version
		}
	}
	if reqVer == "" {
		log.Fatalf("arrowbridge/go.mod does not require %s", rootPath)
	}
	reqRev := revisionOf(root, reqVer)
	log.Printf("arrowbridge requires %s@%s (commit %s)", rootPath, reqVer, reqRev[:12])

	proxy := filepath.Join(work, "proxy")
	publish(root, proxy, rootPath, "", headVer, head)
	if reqVer != headVer {
		publish(root, proxy, rootPath, "", reqVer, reqRev)
	}
	publish(root, proxy, arrowPath, "arrowbridge", headVer, head)

	env := append(os.Environ(),
		"GOWORK=off",
		"GOFLAGS=-mod=mod",
		"GOPROXY=file://"+filepath.ToSlash(proxy)+","+*upstream,
		"GONOSUMDB=github.com/ndview/*",
		"GONOSUMCHECK=1",
		"GOPRIVATE=",
		"GONOPROXY=",
	)
	consumer(work, env, "arrowonly", map[string]string{arrowPath: headVer}, arrowOnlyMain, rootPath, reqVer)
	consumer(work, env, "readme", map[string]string{rootPath: headVer, arrowPath: headVer}, readmeMain, rootPath, headVer)
	log.Printf("ok")
}

// pseudoVersion names commit rev of the root module: above the newest release tag it
// descends from, so that it sorts above every tag, as the go command would name it.
func pseudoVersion(repo, rev string) string {
	t := commitTime(repo, rev)
	older := ""
	if tag, err := output(repo, nil, "git", "describe", "--tags", "--abbrev=0", "--match", "v[0-9]*", rev); err == nil {
		tag = strings.TrimSpace(tag)
		if semver.IsValid(tag) && semver.Prerelease(tag) == "" && semver.Build(tag) == "" {
			older = tag
		}
	}
	return module.PseudoVersion("", older, t, rev[:12])
}

func commitTime(repo, rev string) time.Time {
	sec, err := strconv.ParseInt(strings.TrimSpace(run(repo, nil, "git", "log", "-1", "--format=%ct", rev)), 10, 64)
	if err != nil {
		log.Fatal(err)
	}
	return time.Unix(sec, 0).UTC()
}

// revisionOf returns the commit a pseudo-version names, after checking that the commit is in
// the repository and that the version's time is the commit's.
func revisionOf(repo, v string) string {
	if !module.IsPseudoVersion(v) {
		log.Fatalf("%s is not a pseudo-version of a commit (tags may not travel with the branch)", v)
	}
	short, _ := module.PseudoVersionRev(v)
	full, err := output(repo, nil, "git", "rev-parse", "--verify", "--quiet", short+"^{commit}")
	if err != nil {
		log.Fatalf("%s names commit %s, which is not in this repository", v, short)
	}
	full = strings.TrimSpace(full)
	vt, _ := module.PseudoVersionTime(v)
	if ct := commitTime(repo, full); !ct.Equal(vt) {
		log.Fatalf("%s says %s, but commit %s was made at %s: the go command refuses it", v, vt.Format(time.RFC3339), short, ct.Format(time.RFC3339))
	}
	if want := pseudoVersion(repo, full); want != v {
		log.Fatalf("%s should be %s", v, want)
	}
	return full
}

// publish writes module path at version v, from subdir of the repository at rev, into the
// proxy at dir: the zip, the go.mod, the .info and the version list.
func publish(repo, dir, path, subdir, v, rev string) {
	esc, err := module.EscapePath(path)
	if err != nil {
		log.Fatal(err)
	}
	vdir := filepath.Join(dir, filepath.FromSlash(esc), "@v")
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		log.Fatal(err)
	}
	z, err := os.Create(filepath.Join(vdir, v+".zip"))
	if err != nil {
		log.Fatal(err)
	}
	if err := modzip.CreateFromVCS(z, module.Version{Path: path, Version: v}, repo, rev, subdir); err != nil {
		log.Fatalf("zip of %s@%s: %v", path, v, err)
	}
	if err := z.Close(); err != nil {
		log.Fatal(err)
	}
	gomod := filepath.ToSlash(filepath.Join(subdir, "go.mod"))
	if err := os.WriteFile(filepath.Join(vdir, v+".mod"), []byte(run(repo, nil, "git", "show", rev+":"+gomod)), 0o644); err != nil {
		log.Fatal(err)
	}
	info, _ := json.Marshal(struct {
		Version string
		Time    time.Time
	}{v, commitTime(repo, rev)})
	if err := os.WriteFile(filepath.Join(vdir, v+".info"), info, 0o644); err != nil {
		log.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(vdir, "list"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintln(f, v)
	f.Close()
	log.Printf("published %s@%s", path, v)
}

// consumer builds and runs a module that requires reqs and has main.go src, then checks that
// it resolved module want to version wantVer.
func consumer(work string, env []string, name string, reqs map[string]string, src, want, wantVer string) {
	dir := filepath.Join(work, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	var mod bytes.Buffer
	fmt.Fprintf(&mod, "module example.com/%s\n\ngo 1.24.0\n\nrequire (\n", name)
	for p, v := range reqs {
		fmt.Fprintf(&mod, "\t%s %s\n", p, v)
	}
	mod.WriteString(")\n")
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), mod.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		log.Fatal(err)
	}
	run(dir, env, "go", "mod", "tidy")
	out := run(dir, env, "go", "run", ".")
	log.Printf("%s: %s", name, strings.TrimSpace(out))
	got := strings.Fields(run(dir, env, "go", "list", "-m", want))
	if len(got) != 2 || got[1] != wantVer {
		log.Fatalf("%s resolved %v, want %s %s", name, got, want, wantVer)
	}
}

func output(dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s %s in %s: %v\n%s", name, strings.Join(args, " "), dir, err, stderr.String())
	}
	return string(out), nil
}

func run(dir string, env []string, name string, args ...string) string {
	out, err := output(dir, env, name, args...)
	if err != nil {
		log.Fatal(err)
	}
	return out
}

// arrowOnlyMain uses arrowbridge and the root API of the version arrowbridge requires.
const arrowOnlyMain = `package main

import (
	"fmt"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/arrowbridge"
)

func main() {
	v, err := ndview.FromSlice([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	if err != nil {
		panic(err)
	}
	col, err := arrowbridge.ToColumn(v)
	if err != nil {
		panic(err)
	}
	defer col.Release()
	back, err := arrowbridge.FromColumn[float32](col)
	if err != nil {
		panic(err)
	}
	defer back.Release()
	if !ndview.Equal(v, back) {
		panic("round trip through Arrow changed the values")
	}
	fmt.Println("arrowbridge round trip:", back.Shape())
}
`

// readmeMain imports what the README shows.
const readmeMain = `package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ndview/ndview"
	"github.com/ndview/ndview/arrowbridge"
	"github.com/ndview/ndview/npy"
	"github.com/ndview/ndview/safetensors"
)

func main() {
	dir, err := os.MkdirTemp("", "consumer")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	a := ndview.New[float32](4, 6, 8)
	ndview.Fill(a, 1.5)
	p := filepath.Join(dir, "frames.npy")
	if err := npy.Save(p, a); err != nil {
		panic(err)
	}
	w, err := npy.Map[float32](p, false)
	if err != nil {
		panic(err)
	}
	crop := w.Select(ndview.Full, ndview.R(1, 5), ndview.R(0, 8).By(2))
	total := ndview.Sum(crop).At()
	crop.Release()
	w.Release()
	st := filepath.Join(dir, "model.safetensors")
	if err := safetensors.Save(st, []safetensors.Tensor{{Name: "w", Data: a}}, nil); err != nil {
		panic(err)
	}
	f, err := safetensors.Open(st)
	if err != nil {
		panic(err)
	}
	wv, err := safetensors.View[float32](f, "w")
	if err != nil {
		panic(err)
	}
	col, err := arrowbridge.ToColumn(wv)
	if err != nil {
		panic(err)
	}
	col.Release()
	wv.Release()
	if err := f.Close(); err != nil {
		panic(err)
	}
	fmt.Println("npy, safetensors and arrowbridge from the proxy: sum", total)
}
`
