package vcs

import (
	"net/url"
	"strings"
)

// GitConfig is a 'git config --list -z' listing: every key (lower-case
// section and variable names, as git prints them) with its values in
// order.
type GitConfig map[string][]string

// ParseGitConfigList parses the output of 'git config --list -z': entries
// end with NUL, a key is separated from its value by a newline (a key
// without a newline has no value: a boolean true).
func ParseGitConfigList(out []byte) GitConfig {
	c := GitConfig{}
	for _, entry := range strings.Split(string(out), "\x00") {
		if entry == "" {
			continue
		}
		key, value, _ := strings.Cut(entry, "\n")
		key = lowerKey(key)
		c[key] = append(c[key], value)
	}
	return c
}

// lowerKey lower-cases the section and variable of a key, keeping a
// subsection (the middle part, which may be a URL) as written.
func lowerKey(k string) string {
	first := strings.IndexByte(k, '.')
	last := strings.LastIndexByte(k, '.')
	if first < 0 {
		return strings.ToLower(k)
	}
	return strings.ToLower(k[:first]) + k[first:last] + strings.ToLower(k[last:])
}

// Rewrite applies the url.<base>.insteadOf rules as git does: the
// longest matching prefix wins. It returns the URL git fetches and the
// base that rewrote it ("" when none did).
func (c GitConfig) Rewrite(raw string) (string, string) {
	best, bestPrefix := "", ""
	for k, vals := range c {
		base, ok := strings.CutPrefix(k, "url.")
		if !ok {
			continue
		}
		base, ok = strings.CutSuffix(base, ".insteadof")
		if !ok {
			continue
		}
		for _, prefix := range vals {
			if prefix != "" && strings.HasPrefix(raw, prefix) && len(prefix) > len(bestPrefix) {
				best, bestPrefix = base, prefix
			}
		}
	}
	if bestPrefix == "" {
		return raw, ""
	}
	return best + strings.TrimPrefix(raw, bestPrefix), best
}

// Helpers returns the credential helpers git consults for an https URL:
// credential.helper, and credential.<url>.helper for a URL whose scheme
// and host match (git's urlmatch, without its path and wildcard rules).
// An empty value resets the list, as in git.
func (c GitConfig) Helpers(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	var out []string
	add := func(vals []string) {
		for _, v := range vals {
			if v == "" {
				out = nil
				continue
			}
			out = append(out, v)
		}
	}
	add(c["credential.helper"])
	for k, vals := range c {
		mid, ok := strings.CutPrefix(k, "credential.")
		if !ok {
			continue
		}
		mid, ok = strings.CutSuffix(mid, ".helper")
		if !ok || mid == "" {
			continue
		}
		cu, err := url.Parse(mid)
		if err != nil {
			continue
		}
		if cu.Host == "" && cu.Scheme == "" {
			cu, err = url.Parse("https://" + mid)
			if err != nil {
				continue
			}
		}
		if (cu.Scheme == "" || cu.Scheme == u.Scheme) && strings.EqualFold(cu.Hostname(), u.Hostname()) {
			add(vals)
		}
	}
	return out
}

// IsSSH reports whether a git remote URL is fetched over ssh: ssh://,
// git+ssh://, or the scp-like user@host:path form.
func IsSSH(remote string) bool {
	if strings.HasPrefix(remote, "ssh://") || strings.HasPrefix(remote, "git+ssh://") {
		return true
	}
	if strings.Contains(remote, "://") {
		return false
	}
	colon := strings.IndexByte(remote, ':')
	slash := strings.IndexByte(remote, '/')
	return colon > 0 && (slash < 0 || colon < slash)
}

// A Ref is one line of 'git ls-remote --symref'.
type Ref struct {
	Hash   string
	Name   string // HEAD, refs/heads/main, refs/tags/v1.0.0
	Target string // for a symbolic ref (ref: refs/heads/main	HEAD)
}

// ParseLsRemote parses the output of 'git ls-remote [--symref]'.
func ParseLsRemote(out []byte) []Ref {
	var refs []Ref
	for _, line := range strings.Split(string(out), "\n") {
		left, name, ok := strings.Cut(strings.TrimRight(line, "\r"), "\t")
		if !ok || name == "" {
			continue
		}
		if target, ok := strings.CutPrefix(left, "ref: "); ok {
			refs = append(refs, Ref{Name: name, Target: strings.TrimSpace(target)})
			continue
		}
		if len(left) >= 40 && isHex(left) {
			refs = append(refs, Ref{Hash: left, Name: name})
		}
	}
	return refs
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// GitFailure classifies the standard error of a failed git fetch.
type GitFailure string

const (
	GitPrompt    GitFailure = "prompt"    // git needed credentials and could not ask (terminal prompts disabled)
	GitAuth      GitFailure = "auth"      // credentials refused, or an ssh key missing
	GitNotFound  GitFailure = "not-found" // no such repository (or hidden from these credentials)
	GitNetwork   GitFailure = "network"   // the host did not resolve, refused, timed out
	GitTLS       GitFailure = "tls"       // git's TLS (curl) did not trust the server
	GitOtherFail GitFailure = "other"
)

// ClassifyGitError says why git failed, from its standard error.
func ClassifyGitError(stderr string) GitFailure {
	s := strings.ToLower(stderr)
	switch {
	case strings.Contains(s, "terminal prompts disabled"), strings.Contains(s, "could not read username"), strings.Contains(s, "could not read password"):
		return GitPrompt
	case strings.Contains(s, "authentication failed"), strings.Contains(s, "permission denied"),
		strings.Contains(s, "access denied"), strings.Contains(s, "host key verification failed"),
		strings.Contains(s, "returned error: 401"), strings.Contains(s, "returned error: 403"):
		return GitAuth
	case strings.Contains(s, "repository not found"), strings.Contains(s, "not found"), strings.Contains(s, "returned error: 404"),
		strings.Contains(s, "does not appear to be a git repository"):
		return GitNotFound
	case strings.Contains(s, "ssl certificate problem"), strings.Contains(s, "server certificate verification failed"),
		strings.Contains(s, "ssl_connect"), strings.Contains(s, "certificate verify failed"):
		return GitTLS
	case strings.Contains(s, "could not resolve"), strings.Contains(s, "failed to connect"), strings.Contains(s, "connection refused"),
		strings.Contains(s, "timed out"), strings.Contains(s, "network is unreachable"), strings.Contains(s, "no route to host"),
		strings.Contains(s, "proxy connect"), strings.Contains(s, "received http code"):
		return GitNetwork
	}
	return GitOtherFail
}
