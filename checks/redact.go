package checks

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// userinfoRE finds the user info of URLs embedded anywhere in a text.
var userinfoRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)([^\s/?#@,|'"]+)@`)

// RedactString hides the credentials of every URL in s: the password of
// user:password, or the whole user part when it stands alone (a token).
func RedactString(s string) string {
	if !hasUserinfo(s) {
		return s // no URL with a user part (a list of 50,000 module@version needs no regexp)
	}
	return userinfoRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := userinfoRE.FindStringSubmatch(m)
		if user, _, ok := strings.Cut(sub[2], ":"); ok {
			return sub[1] + user + ":xxxxx@"
		}
		return sub[1] + "xxxxx@"
	})
}

// hasUserinfo reports whether some "://" in s is followed by an '@'
// before anything that ends the user info: whether userinfoRE can match.
func hasUserinfo(s string) bool {
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			return false
		}
		s = s[i+3:]
		end := strings.IndexAny(s, " \t\r\n\v\f/?#,|'\"")
		if end < 0 {
			end = len(s)
		}
		if strings.IndexByte(s[:end], '@') > 0 {
			return true
		}
	}
}

// secretsIn returns the credentials of every URL in s, unescaped as well
// as escaped, so that they can be scrubbed wherever they appear.
func secretsIn(s string) []string {
	var out []string
	for _, sub := range userinfoRE.FindAllStringSubmatch(s, -1) {
		secret := sub[2]
		if _, pass, ok := strings.Cut(sub[2], ":"); ok {
			secret = pass
		}
		out = append(out, secret)
		if u, err := url.PathUnescape(secret); err == nil && u != secret {
			out = append(out, u)
		}
	}
	return out
}

// A scrubber removes known secrets from text. Checks may add secrets
// concurrently.
type scrubber struct {
	mu      sync.Mutex
	secrets []string
}

// minSecret is the shortest secret scrubbed wherever it appears; shorter
// ones are still hidden inside URLs by RedactString but would match too
// much ordinary text on their own.
const minSecret = 4

func (s *scrubber) add(secrets ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range secrets {
		if len(x) >= minSecret && !slices.Contains(s.secrets, x) {
			s.secrets = append(s.secrets, x)
		}
	}
	// The longest first, so that a secret holding another is hidden whole.
	slices.SortStableFunc(s.secrets, func(a, b string) int { return len(b) - len(a) })
}

func (s *scrubber) clean(text string) string {
	text = redactText(text)
	for _, x := range s.secrets {
		text = strings.ReplaceAll(text, x, "xxxxx")
	}
	return text
}

// cleanLocked is clean for a caller that does not hold the lock.
func (s *scrubber) cleanLocked(text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clean(text)
}

// authHeaderRE finds the value of an HTTP header that carries a
// credential, as curl -v, GODEBUG=http2debug or a proxy's log print it:
// the scheme (Bearer, Basic...) is kept, the rest of the value hidden.
var authHeaderRE = regexp.MustCompile(`(?i)\b((?:proxy-)?authorization|private-token|job-token|x-api-key|x-auth-token|cookie)(\s*:\s*)(?:(basic|bearer|token|digest|negotiate|ntlm|aws4-hmac-sha256)\s+)?[^\s'"][^\r\n'"]*`)

// headerNames are the names authHeaderRE looks for, lower case.
var headerNames = []string{"authorization", "private-token", "job-token", "x-api-key", "x-auth-token", "cookie"}

// hasHeaderName reports whether text holds one of headerNames, in any
// case.
func hasHeaderName(text string) bool {
	lower := strings.ToLower(text)
	for _, n := range headerNames {
		if strings.Contains(lower, n) {
			return true
		}
	}
	return false
}

// tokenParamRE finds credentials in the query of a URL.
var tokenParamRE = regexp.MustCompile(`(?i)([?&](?:access_token|token|private_token|api_key|apikey|key|password|passwd|secret|sig|signature|auth)=)[^&\s#'"]+`)

// redactText hides what is a credential by its shape alone: the user
// info of URLs (RedactString), credential headers and query parameters.
func redactText(text string) string {
	text = RedactString(text)
	// The regular expressions only where their keywords are: a list of
	// 50,000 modules is scanned for the keywords, not matched.
	if strings.Contains(text, ":") && hasHeaderName(text) {
		text = authHeaderRE.ReplaceAllStringFunc(text, func(m string) string {
			sub := authHeaderRE.FindStringSubmatch(m)
			if sub[3] != "" {
				return sub[1] + sub[2] + sub[3] + " xxxxx"
			}
			return sub[1] + sub[2] + "xxxxx"
		})
	}
	if strings.Contains(text, "=") && strings.ContainsAny(text, "?&") {
		text = tokenParamRE.ReplaceAllString(text, "${1}xxxxx")
	}
	return text
}

// goAuthSecrets returns what a GOAUTH value holds that may be a
// credential: the arguments of its commands (entries split at ';' and
// into words as the go command does; "off", "netrc" and "git dir" hold
// none). The arguments are returned as one string, as they appear, and
// each one that looks like a value (KEY=value, user:pass, or long):
// the command's name stays visible.
func goAuthSecrets(v string) []string {
	var out []string
	for entry := range strings.SplitSeq(v, ";") {
		words := strings.Fields(entry)
		if len(words) < 2 || words[0] == "git" || words[0] == "netrc" || words[0] == "off" {
			continue
		}
		entry = strings.TrimSpace(entry)
		out = append(out, strings.TrimSpace(entry[len(words[0]):]))
		for _, w := range words[1:] {
			if strings.ContainsAny(w, "=:") || len(w) >= 12 {
				out = append(out, w)
			}
		}
	}
	return out
}

// redact scrubs every rendered string of the results.
func (s *scrubber) redact(results []CheckResult) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range results {
		r := &results[i]
		r.Error = s.clean(r.Error)
		r.SkipReason = s.clean(r.SkipReason)
		for j := range r.Findings {
			f := &r.Findings[j]
			f.Subject = s.clean(f.Subject)
			f.Message = s.clean(f.Message)
			f.Detail = s.clean(f.Detail)
			if f.CausedBy != nil {
				f.CausedBy.Subject = s.clean(f.CausedBy.Subject)
			}
			for k := range f.Fixes {
				x := &f.Fixes[k]
				x.Title = s.clean(x.Title)
				x.Command = s.clean(x.Command)
				x.Value = s.clean(x.Value)
			}
		}
	}
}

// Redact scrubs every credential the snapshot knows of from every string
// of results, as the Runner does before a renderer sees them.
func (e *Env) Redact(results []CheckResult) { e.secrets.redact(results) }

// list returns the registered secrets.
func (s *scrubber) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.secrets...)
}
