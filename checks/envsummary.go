package checks

import (
	"strings"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
)

// An EnvVar is one setting of the environment as a report shows it: the
// value with its credentials redacted, and where it comes from.
type EnvVar struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source string `json:"source"` // environment, goenv-file, goroot, default or unset
}

// summaryKeys are the settings that decide how the go command fetches
// modules: what a bug report about a failed download needs.
var summaryKeys = []string{
	"GOVERSION", "GO111MODULE", "GOFLAGS", "GOTOOLCHAIN",
	"GOPROXY", "GOSUMDB", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE", "GOVCS", "GOAUTH",
	"GOPATH", "GOMODCACHE", "GOENV", "GOWORK", "GOMOD",
}

// summaryProcessKeys are variables outside the Go environment that change
// how the go command (and git under it) reaches the network.
var summaryProcessKeys = []string{
	"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy",
	"SSL_CERT_FILE", "SSL_CERT_DIR", "GIT_TERMINAL_PROMPT",
}

// Summary returns the settings that matter to module downloads, with
// every credential scrubbed: the environment section of a report.
func (e *Env) Summary() []EnvVar {
	if e == nil || e.Go == nil {
		return nil
	}
	var out []EnvVar
	for _, k := range summaryKeys {
		v := e.Go.Var(k)
		if !e.Go.IsGoKey(k) && v.Source == goenv.SourceUnset {
			continue
		}
		out = append(out, EnvVar{Key: k, Value: e.Scrub(v.Value), Source: string(v.Source)})
	}
	for _, k := range summaryProcessKeys {
		if v, ok := e.Go.Getenv(k); ok && strings.TrimSpace(v) != "" {
			out = append(out, EnvVar{Key: k, Value: e.Scrub(v), Source: string(goenv.SourceProcess)})
		}
	}
	return out
}

// Scrub hides every credential in s: the user info of URLs, and every
// secret the snapshot knows of (those of the Go environment, the proxy
// variables and any added with AddSecret or AddSecretsIn).
func (e *Env) Scrub(s string) string {
	e.secrets.mu.Lock()
	defer e.secrets.mu.Unlock()
	return e.secrets.clean(s)
}

// AddSecretsIn registers the credentials of every URL in text, so that
// they are scrubbed wherever else they appear (explain reads logs that
// may carry tokens in URLs).
func (e *Env) AddSecretsIn(text string) {
	if strings.Contains(text, "@") {
		e.secrets.add(secretsIn(text)...)
	}
}
