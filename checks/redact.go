package checks

import (
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// userinfoRE finds the user info of URLs embedded anywhere in a text.
var userinfoRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)([^\s/?#@,|'"]+)@`)

// RedactString hides the credentials of every URL in s: the password of
// user:password, or the whole user part when it stands alone (a token).
func RedactString(s string) string {
	if !strings.Contains(s, "@") || !strings.Contains(s, "://") {
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
		if len(x) >= minSecret {
			s.secrets = append(s.secrets, x)
		}
	}
}

func (s *scrubber) clean(text string) string {
	text = RedactString(text)
	for _, x := range s.secrets {
		text = strings.ReplaceAll(text, x, "xxxxx")
	}
	return text
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
