package explain

import (
	"net/url"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// This file holds the evidence explain weighs when the words of an error
// alone do not name the cause: which Go release added a standard-library
// package, which hosts serve public code, which go version ran. Rules
// consult it through their When predicates; derive adds the variables it
// yields.

// stdSince are standard-library packages and the Go release that added
// them. A go command older than that reads an import of one as a module
// path ("malformed module path \"embed\": missing dot in first path
// element", "cannot find module for path embed", "unrecognized import
// path \"math/bits\"").
var stdSince = map[string]string{
	"context":          "1.7",
	"math/bits":        "1.9",
	"crypto/ed25519":   "1.13",
	"hash/maphash":     "1.14",
	"time/tzdata":      "1.15",
	"embed":            "1.16",
	"io/fs":            "1.16",
	"testing/fstest":   "1.16",
	"net/netip":        "1.18",
	"crypto/ecdh":      "1.20",
	"cmp":              "1.21",
	"maps":             "1.21",
	"slices":           "1.21",
	"log/slog":         "1.21",
	"iter":             "1.23",
	"unique":           "1.23",
	"structs":          "1.23",
	"weak":             "1.24",
	"crypto/mlkem":     "1.24",
	"crypto/sha3":      "1.24",
	"crypto/hkdf":      "1.24",
	"crypto/pbkdf2":    "1.24",
	"testing/synctest": "1.25",
}

// stdTop are the first path elements of the standard library's packages.
// A package under one of them that the go command cannot find, and that
// no release added recently, means the installation the go command uses
// is broken or GOROOT points elsewhere.
var stdTop = map[string]bool{}

func init() {
	for _, p := range strings.Fields(`archive bufio builtin bytes cmp compress container context crypto
		database debug embed encoding errors expvar flag fmt go hash html image index internal io iter
		log maps math mime net os path plugin reflect regexp runtime slices sort strconv strings structs
		sync syscall testing text time unicode unique unsafe weak`) {
		stdTop[p] = true
	}
}

// goDirectiveSince are go.mod directives and the Go release that added
// them: an older go command reports "unknown directive".
var goDirectiveSince = map[string]string{
	"toolchain": "1.21.0",
	"godebug":   "1.23.0",
	"tool":      "1.24.0",
	"ignore":    "1.25.0",
}

// publicHosts serve public code: a module under one of them is taken to
// be public unless the log itself shows otherwise (credentials refused,
// GOPRIVATE). For them, "terminal prompts disabled" is how the host
// answers a repository that does not exist, and a 404 or 410 from the
// checksum database is not a sign of a private module.
var publicHosts = map[string]bool{
	"github.com": true, "gitlab.com": true, "bitbucket.org": true, "gopkg.in": true,
	"golang.org": true, "google.golang.org": true, "cloud.google.com": true, "go.uber.org": true,
	"k8s.io": true, "sigs.k8s.io": true, "go.etcd.io": true, "gitee.com": true, "honnef.co": true,
	"mvdan.cc": true, "go.opentelemetry.io": true, "gorm.io": true, "nhooyr.io": true,
	"go.mongodb.org": true, "gocloud.dev": true, "codeberg.org": true, "git.sr.ht": true,
}

// ownerRepoHosts name repositories host/owner/name.
var ownerRepoHosts = map[string]bool{"github.com": true, "bitbucket.org": true, "gitee.com": true, "codeberg.org": true}

// publicModule reports whether a module (or package, or repository URL)
// path is on a public host.
func publicModule(p string) bool {
	if u, err := url.Parse(p); err == nil && u.Host != "" {
		p = u.Host
	}
	first, _, _ := strings.Cut(p, "/")
	return publicHosts[strings.ToLower(first)]
}

// privateWords are what a server says when it needs credentials the go
// command did not have.
var privateWords = regexp.MustCompile(`terminal prompts disabled|could not read Username|[Aa]uthentication failed|[Rr]epository not found|Permission denied|HTTP Basic: Access denied|401 Unauthorized|403 Forbidden`)

// rulePredicates decide, from an entry's variables, whether a rule whose
// pattern matched applies (named by rule.When). They may add variables.
var rulePredicates = map[string]func(vars map[string]string) bool{
	// The path is a standard-library package a newer Go release added.
	"stdNew": func(vars map[string]string) bool {
		p := vars["path"]
		if since, ok := stdSince[p]; ok {
			if vars["want"] == "" {
				vars["want"] = since
				deriveWant(vars)
			}
			return true
		}
		return false
	},
	// The path is an old standard-library package: the installation is
	// broken.
	"stdOld": func(vars map[string]string) bool {
		p := vars["path"]
		first, _, _ := strings.Cut(p, "/")
		if strings.Contains(first, ".") || !stdTop[first] {
			return false
		}
		_, isNew := stdSince[p]
		return !isNew
	},
	// The module is on a public host and the entry shows no sign of a
	// private repository.
	"public": func(vars map[string]string) bool {
		return publicModule(subjectPath(vars)) && vars["private_evidence"] == ""
	},
	// The module is private: the entry shows a server asking for
	// credentials, or the module is not on a public host.
	"private": func(vars map[string]string) bool {
		return vars["private_evidence"] != "" || subjectPath(vars) != "" && !publicModule(subjectPath(vars))
	},
	// The go.mod directive is one a newer Go release added.
	"directive": func(vars map[string]string) bool {
		since, ok := goDirectiveSince[vars["directive"]]
		if ok && vars["want"] == "" {
			vars["want"] = since
			deriveWant(vars)
		}
		return ok
	},
	// The package named is not an import path a module could provide.
	"notImportPath": func(vars map[string]string) bool { return !importable(vars["pkg"]) },
	// The module or repository is on a public code host, whatever the
	// host answered.
	"onPublicHost": func(vars map[string]string) bool { return publicModule(subjectPath(vars)) },
	// The failing request went to a module proxy (its URL has the proxy
	// protocol's /@v/ or /@latest), not to a module's origin.
	"toProxy": func(vars map[string]string) bool { return vars["isproxy"] != "" },
}

// subjectPath is the path a rule's privacy test is about: the module, else
// the package, else the repository URL.
func subjectPath(vars map[string]string) string {
	for _, k := range []string{"module", "pkg", "repo", "url"} {
		if v := vars[k]; v != "" {
			return v
		}
	}
	return ""
}

// goVersionRE finds the version of the go command that ran, where the log
// shows it: "go version go1.20.7 linux/amd64", "(running go 1.20.7)", a
// GOROOT such as go1.20.5.windows-amd64.
var goVersionRE = regexp.MustCompile(`go version go(1\.\d+(?:\.\d+)?)|running go (1\.\d+(?:\.\d+)?)|go(1\.\d+(?:\.\d+)?)\.(?:windows|linux|darwin)-`)

// deriveEvidence adds the variables of this file to an entry's.
func deriveEvidence(vars map[string]string, text, own string) {
	if vars["have"] == "" {
		if m := goVersionRE.FindStringSubmatch(text); m != nil {
			for _, g := range m[1:] {
				if g != "" {
					vars["have"] = g
				}
			}
		}
	}
	if vars["private_evidence"] == "" {
		if m := privateWords.FindString(text); m != "" {
			vars["private_evidence"] = m
		}
	}
	if u := vars["url"]; u != "" {
		if pu, err := url.Parse(u); err == nil && (strings.Contains(pu.Path, "/@v/") || strings.HasSuffix(pu.Path, "/@latest") || strings.Contains(pu.Path, "/sumdb/")) {
			vars["isproxy"] = pu.Scheme + "://" + pu.Host
		}
	}
	if vars["module"] == "" && vars["repo"] == "" && vars["pkg"] != "" {
		// A package on a host whose repositories are host/owner/name.
		if elems := strings.Split(vars["pkg"], "/"); len(elems) >= 3 && ownerRepoHosts[elems[0]] {
			vars["repo"] = strings.Join(elems[:3], "/")
		}
	}
	if vars["module"] == "" && vars["repo"] == "" && vars["url"] != "" {
		// A repository on a public host, named by the URL git was given.
		if pu, err := url.Parse(vars["url"]); err == nil && publicHosts[pu.Host] {
			if elems := strings.Split(strings.Trim(strings.TrimSuffix(pu.Path, ".git"), "/"), "/"); len(elems) >= 2 && elems[0] != "" && elems[1] != "" {
				vars["repo"] = pu.Host + "/" + elems[0] + "/" + elems[1]
			}
		}
	}
	if w, v := vars["want"], vars["version"]; w != "" && v != "" {
		// The version fits the wanted module path's major version.
		if _, pathMajor, ok := module.SplitPathVersion(w); ok && pathMajor != "" && semver.Major(v) == strings.TrimPrefix(pathMajor, "/") {
			vars["want_version"] = v
		}
	}
	deriveWant(vars)
}

// deriveWant adds the variables of the Go release an entry wants: its
// release name (go1.N.0 from Go 1.21 on) and how the go command that ran
// installs the golang.org/dl wrapper of it ('go install pkg@version'
// needs Go 1.16, older ones 'go get').
func deriveWant(vars map[string]string) {
	w := strings.TrimPrefix(vars["want"], "go")
	if w == "" || strings.Contains(w, "/") || !semver.IsValid("v"+w) {
		return
	}
	h := vars["have"]
	if semver.Compare("v"+w, "v1.16") <= 0 || h != "" && semver.IsValid("v"+h) && semver.Compare("v"+h, "v1.16") < 0 {
		vars["dlverb"] = "get"
		delete(vars, "dlat")
	} else {
		vars["dlverb"] = "install"
		vars["dlat"] = "@latest"
	}
	if strings.Count(w, ".") == 1 && semver.Compare("v"+w, "v1.21") >= 0 {
		// From Go 1.21 on, releases are named go1.N.0.
		w += ".0"
	}
	vars["want_release"] = w
}

// importable reports whether a path is one a module could provide: a
// valid import path whose first element has a dot (a host), not a file.
func importable(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return p != "" && module.CheckImportPath(p) == nil && strings.Contains(first, ".") && !strings.HasSuffix(p, ".go")
}

// goArgsValid reports whether the paths a command line gives the go
// command are ones it can take: the module paths of 'go mod download' and
// 'go list -m' pass module.CheckPath, the packages of 'go get' and 'go
// install' are import paths with a host. A command built from a log that
// fails this is not offered.
func goArgsValid(cmdline string) bool {
	for _, sep := range []string{"&&", "||", ";", "|"} {
		cmdline = strings.ReplaceAll(cmdline, sep, "\n")
	}
	for _, c := range strings.Split(cmdline, "\n") {
		args := strings.Fields(c)
		for len(args) > 0 && strings.Contains(args[0], "=") && !strings.HasPrefix(args[0], "-") {
			args = args[1:] // VAR=value before the command
		}
		if len(args) < 2 || args[0] != "go" {
			continue
		}
		var paths []string
		check := importable
		switch {
		case args[1] == "get" || args[1] == "install":
			paths = args[2:]
		case args[1] == "mod" && len(args) > 2 && args[2] == "download":
			paths, check = args[3:], modulePathOK
		case args[1] == "list" && slices.Contains(args, "-m"):
			paths, check = args[2:], modulePathOK
		}
		for _, a := range paths {
			if strings.HasPrefix(a, "-") || a == "all" {
				continue
			}
			p, _, _ := strings.Cut(a, "@")
			if !check(p) {
				return false
			}
		}
	}
	return true
}

func modulePathOK(p string) bool { return module.CheckPath(p) == nil }
