package env

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"
)

// Measured scheme corrections. "htps://host:port" is a typo of https or
// of http: which one the server speaks is measured, not guessed. The
// only requests are one GET of the base URL the user wrote, with each
// scheme, to that host and through the HTTP proxy in force, as the go
// command would send once the typo is corrected; never a module path.
// Both run at once, within probe.SilenceBound (at most 3s, and a third
// of what is left of the run's deadline).

// A schemeChoice is the measured correction of one GOPROXY entry.
type schemeChoice struct {
	URL      string // the corrected entry
	Verified bool   // the server answered with that scheme
	// BadCert: the server speaks TLS but its certificate fails here.
	BadCert  bool
	Evidence string // what each scheme got, for the finding's detail
}

// schemeTypo returns the host part of a suggested correction that only
// changes a misspelled scheme ("host:port/path"), or "" for any other
// correction. A scheme spelled right with a mangled separator
// ("https//host", "http:/host") says what was meant: not measured.
func schemeTypo(e goenv.ProxyEntry) string {
	raw := strings.TrimSpace(e.Raw)
	word := strings.ToLower(raw[:len(raw)-len(strings.TrimLeftFunc(raw, isLetter))])
	if word == "http" || word == "https" {
		return ""
	}
	for _, scheme := range []string{"https://", "http://"} {
		rest, ok := strings.CutPrefix(e.Suggest, scheme)
		if ok && rest != "" && strings.HasSuffix(raw, rest) && !strings.HasPrefix(raw, scheme) {
			return rest
		}
	}
	return ""
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// measureSchemes corrects the scheme typos of a GOPROXY list, keyed by
// the entry's index: https when it answers, else http when it does,
// else https, unverified.
func (r *envRules) measureSchemes(l *goenv.ProxyList) map[int]schemeChoice {
	out := map[int]schemeChoice{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	ctx, cancel := context.WithTimeout(r.ctx, probe.SilenceBound(r.ctx))
	defer cancel()
	for i, e := range l.Entries {
		rest := schemeTypo(e)
		if e.Ignored || rest == "" {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := r.measureScheme(ctx, rest)
			mu.Lock()
			out[i] = c
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}

// measureScheme asks rest with https and with http, concurrently.
func (r *envRules) measureScheme(ctx context.Context, rest string) schemeChoice {
	schemes := []string{"https", "http"}
	resps := make([]*netenv.Response, len(schemes))
	var wg sync.WaitGroup
	for i, s := range schemes {
		u, err := url.Parse(s + "://" + rest)
		if err != nil || u.Host == "" {
			return schemeChoice{URL: "https://" + rest, Evidence: "not a URL with either scheme"}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			resps[i] = r.env.Net().Get(netenv.WithSilenceBound(ctx, probe.SilenceBound(ctx)), u, 4<<10)
		}()
	}
	wg.Wait()
	var ev []string
	for i, s := range schemes {
		ev = append(ev, fmt.Sprintf("%s://%s: %s", s, checks.RedactString(rest), checks.RedactString(resps[i].Describe())))
	}
	c := schemeChoice{URL: "https://" + rest, Evidence: strings.Join(ev, "\n")}
	var notTLS tls.RecordHeaderError
	switch hs, h := resps[0], resps[1]; {
	case hs.Kind == netenv.KindOK:
		c.Verified = true
	case hs.Kind == netenv.KindTLS && !errors.As(hs.Err, &notTLS) && !strings.Contains(hs.Err.Error(), "server gave HTTP response to HTTPS client"):
		// A handshake took place: the server speaks TLS, and the
		// certificate is the tls check's business.
		c.Verified, c.BadCert = true, true
	case h.Kind == netenv.KindOK:
		c.URL, c.Verified = "http://"+rest, true
	}
	return c
}
