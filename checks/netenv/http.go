package netenv

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
)

// A Response is the outcome of one GET, as the go command would have
// experienced it: a response (any status) with a bounded prefix of its
// body, or a classified failure.
type Response struct {
	URL  string // the URL asked for, credentials redacted
	Kind Kind
	Err  error // why no response arrived; nil with KindOK

	StatusCode  int
	Status      string // "403 Forbidden"
	ContentType string
	Header      http.Header
	Body        []byte // at most the limit given to Get
	Truncated   bool   // the body was longer
	// BodyErr is set when the body could not be read to its end (the
	// deadline passed while it trickled in, the connection was reset).
	BodyErr error
	// Redirects are the URLs redirected to, in order, redacted.
	Redirects []string

	Latency time.Duration // until the response headers, or the failure
	// Silent is the silence bound (WithSilenceBound) when the request
	// was given up because no answer started within it after the
	// request was sent; Kind is then KindTimeout. The go command, which
	// sets no timeout there, would wait forever.
	Silent time.Duration
	Total  time.Duration // until the end of the body

	// Via is the HTTP proxy the request went through, without its
	// credentials; nil for a direct connection. ViaVar names the
	// variable that set it.
	Via    *url.URL
	ViaVar string
	// ProxyStatus is the status line of the proxy's answer to CONNECT
	// when it was not 200 ("407 Proxy Authentication Required").
	ProxyStatus     int
	ProxyStatusText string
	ProxyAuth       string // its Proxy-Authenticate header
	// Credentials says which credentials went with the request: "" for
	// none, "url" for the URL's user info, or "netrc:<machine>".
	Credentials string
}

// OK reports whether the request got a 200 with a complete body.
func (r *Response) OK() bool {
	return r.Kind == KindOK && r.StatusCode == http.StatusOK && r.BodyErr == nil
}

// NotExist reports whether the go command treats the answer as "not
// found" (404 or 410), the only errors after which ',' moves on to the
// next GOPROXY entry.
func (r *Response) NotExist() bool {
	return r.Kind == KindOK && (r.StatusCode == http.StatusNotFound || r.StatusCode == http.StatusGone)
}

// MediaType is the response's media type, lower-case, without parameters.
func (r *Response) MediaType() string {
	mt, _, err := mime.ParseMediaType(r.ContentType)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(r.ContentType))
	}
	return mt
}

// Describe says in a few words what happened: the status line, or the
// failure.
func (r *Response) Describe() string {
	switch {
	case r.Kind == KindOK && r.BodyErr != nil:
		return fmt.Sprintf("%s, then the body failed after %d bytes: %v", r.Status, len(r.Body), r.BodyErr)
	case r.Kind == KindOK:
		return r.Status
	case r.ProxyStatus != 0:
		return fmt.Sprintf("the HTTP proxy answered CONNECT with %s", r.ProxyStatusText)
	case r.Err != nil:
		return r.Err.Error()
	}
	return string(r.Kind)
}

var (
	errTooManyRedirects = errors.New("stopped after 10 redirects")
	errInsecureRedirect = errors.New("redirected from a secure URL to an insecure one")
)

// transportSet holds the transports shared by a run's probes.
type transportSet struct {
	probe     *http.Transport // verifies certificates, like the go command
	handshake *http.Transport // captures the handshake and stops there
}

type recorderKey struct{}

// recorder collects what a request's transport saw.
type recorder struct {
	mu            sync.Mutex
	connectStatus int
	connectText   string
	connectAuth   string
	state         *tls.ConnectionState
}

func recorderFrom(ctx context.Context) *recorder {
	r, _ := ctx.Value(recorderKey{}).(*recorder)
	return r
}

func (n *Net) transports() *transportSet {
	n.transportOnce.Do(func() {
		base := &http.Transport{
			Proxy:                 func(r *http.Request) (*url.URL, error) { return n.ProxyFor(r.URL) },
			DialContext:           n.Dialer().DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
			OnProxyConnectResponse: func(ctx context.Context, _ *url.URL, _ *http.Request, res *http.Response) error {
				if rec := recorderFrom(ctx); rec != nil {
					rec.mu.Lock()
					rec.connectStatus, rec.connectText = res.StatusCode, res.Status
					rec.connectAuth = res.Header.Get("Proxy-Authenticate")
					rec.mu.Unlock()
				}
				return nil
			},
		}
		probe := base.Clone()
		probe.TLSClientConfig = &tls.Config{RootCAs: n.Roots().Pool, Time: n.Now}
		hs := base.Clone()
		hs.DisableKeepAlives = true
		n.transport = &transportSet{probe: probe, handshake: hs}
	})
	return n.transport
}

// Transport returns the HTTP transport the go command would use with
// this environment: net/http's defaults, the proxy from ProxyFor, names
// resolved by GoResolver, certificates verified against Roots with the
// run's clock. Checks that reuse it must bound their requests with a
// context and their reads with a limit.
func (n *Net) Transport() *http.Transport { return n.transports().probe }

// Get fetches u like the go command's web.Get: file:// URLs are read
// from disk (missing is 404, unreadable 403), plain-http URLs with
// credentials are refused without a request, https requests carry the
// .netrc credentials the go command would add, redirects are followed up
// to 10 times but never from https to http. At most limit bytes of the
// body are kept; the rest is not read.
func (n *Net) Get(ctx context.Context, u *url.URL, limit int64) *Response {
	return n.get(ctx, u, limit, nil)
}

// GetTail is Get asking for the last tail bytes only (a Range request,
// "bytes=-tail"): a server that honours it answers 206 Partial Content
// with a Content-Range (ContentRange reads it), one that does not
// answers 200 with the whole body, of which at most limit bytes are
// kept. A file:// URL is read from disk at most limit bytes, as Get.
func (n *Net) GetTail(ctx context.Context, u *url.URL, tail, limit int64) *Response {
	return n.get(ctx, u, limit, http.Header{"Range": {fmt.Sprintf("bytes=-%d", tail)}})
}

func (n *Net) get(ctx context.Context, u *url.URL, limit int64, hdr http.Header) *Response {
	r := &Response{URL: goenv.RedactURL(u.String())}
	start := time.Now()
	defer func() {
		r.Total = time.Since(start)
		if r.Latency == 0 {
			r.Latency = r.Total
		}
	}()
	switch u.Scheme {
	case "file":
		n.getFile(r, u, limit)
		return r
	case "http", "https":
	default:
		r.Kind, r.Err = KindOther, fmt.Errorf("unsupported scheme: %s", r.URL)
		return r
	}
	if u.Scheme == "http" && u.User != nil {
		r.Kind = KindRefusedLocally
		r.Err = fmt.Errorf("refusing to pass credentials to insecure URL: %s", goenv.RedactURL(u.Redacted()))
		return r
	}
	via, err := n.ProxyFor(u)
	if err != nil {
		r.Kind, r.Err = KindProxy, err
		return r
	}
	r.Via, r.ViaVar = Stripped(via), n.Proxy().VarFor(u.Scheme)

	rec := &recorder{}
	ctx = context.WithValue(ctx, recorderKey{}, rec)
	var watch *silenceWatch
	if d := silenceBound(ctx); d > 0 {
		ctx, watch = watchSilence(ctx, d)
		defer watch.release()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		r.Kind, r.Err = KindOther, errors.New(goenv.RedactURL(err.Error()))
		return r
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if u.User != nil {
		r.Credentials = "url"
	}
	if l, ok := n.Credential(u); ok {
		req.SetBasicAuth(l.Login, l.Password)
		r.Credentials = "netrc:" + l.Machine
	}
	client := &http.Client{
		Transport: n.Transport(),
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			r.Redirects = append(r.Redirects, goenv.RedactURL(req.URL.String()))
			if len(via) > 0 && via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
				return errInsecureRedirect
			}
			if len(via) >= 10 {
				return errTooManyRedirects
			}
			return nil
		},
	}
	res, err := client.Do(req)
	r.Latency = time.Since(start)
	if watch != nil {
		watch.end()
	}
	rec.mu.Lock()
	if rec.connectStatus != 0 && rec.connectStatus != http.StatusOK {
		r.ProxyStatus, r.ProxyStatusText, r.ProxyAuth = rec.connectStatus, rec.connectText, rec.connectAuth
	}
	rec.mu.Unlock()
	if watch != nil && watch.silent() {
		if err == nil {
			res.Body.Close()
		}
		r.Kind, r.Silent, r.Err = KindTimeout, watch.d, silentErr(watch.d)
		return r
	}
	if err != nil {
		r.Err = n.FixDNSError(cleanURLError(err))
		r.Kind = Classify(err)
		if r.ProxyStatus != 0 {
			r.Kind = KindProxyAns
		}
		return r
	}
	defer res.Body.Close()
	r.Kind = KindOK
	r.StatusCode, r.Status = res.StatusCode, res.Status
	r.Header = res.Header
	r.ContentType = res.Header.Get("Content-Type")
	r.Body, r.Truncated, r.BodyErr = readBounded(res.Body, limit)
	if r.BodyErr != nil {
		r.BodyErr = cleanURLError(r.BodyErr)
	}
	return r
}

// ContentRange reads a 206 answer's Content-Range "bytes first-last/size":
// where the body starts in the whole, and the whole's size; ok is false
// when the header is missing or malformed (or the size is unknown, "*").
func (r *Response) ContentRange() (first, size int64, ok bool) {
	v, found := strings.CutPrefix(r.Header.Get("Content-Range"), "bytes ")
	if !found {
		return 0, 0, false
	}
	span, total, found := strings.Cut(v, "/")
	a, b, found2 := strings.Cut(span, "-")
	if !found || !found2 {
		return 0, 0, false
	}
	first, err1 := strconv.ParseInt(a, 10, 64)
	last, err2 := strconv.ParseInt(b, 10, 64)
	size, err3 := strconv.ParseInt(total, 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, 0, false
	}
	if first < 0 || last < first || size <= last {
		return 0, 0, false
	}
	return first, size, true
}

// readBounded reads at most limit bytes, and says whether more followed.
func readBounded(body io.Reader, limit int64) ([]byte, bool, error) {
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	if int64(len(data)) > limit {
		return data[:limit], true, nil
	}
	return data, false, err
}

// getFile mirrors the go command's web.getFile.
func (n *Net) getFile(r *Response, u *url.URL, limit int64) {
	path, err := fileURLPath(u)
	if err != nil {
		r.Kind, r.Err = KindFile, err
		return
	}
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		r.Kind, r.StatusCode, r.Status = KindOK, http.StatusNotFound, "404 Not Found"
		r.BodyErr = nil
		r.Err = err
		return
	case errors.Is(err, fs.ErrPermission):
		r.Kind, r.StatusCode, r.Status = KindOK, http.StatusForbidden, "403 Forbidden"
		r.Err = err
		return
	case err != nil:
		r.Kind, r.Err = KindFile, err
		return
	}
	defer f.Close()
	r.Kind, r.StatusCode, r.Status = KindOK, http.StatusOK, "200 OK"
	r.Body, r.Truncated, r.BodyErr = readBounded(f, limit)
}

// fileURLPath converts a file:// URL to a path as the go command does
// on Unix: no host other than localhost, an absolute path.
func fileURLPath(u *url.URL) (string, error) {
	if u.Host != "" && u.Host != "localhost" {
		return "", fmt.Errorf("file URL specifies non-local host %q", u.Host)
	}
	if u.Path == "" {
		return "", fmt.Errorf("file URL missing path")
	}
	return filepath.FromSlash(u.Path), nil
}

// cleanURLError drops the "Get \"<url>\": " prefix of a url.Error (the
// response already carries the redacted URL) and redacts the rest.
func cleanURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &redactedError{msg: goenv.RedactURL(ue.Err.Error()), err: ue.Err}
	}
	return &redactedError{msg: goenv.RedactURL(err.Error()), err: err}
}

// redactedError keeps the chain of an error for errors.Is and As while
// showing a message without credentials.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// FixDNSError names the server that really answered a lookup: with
// --resolver, Go's resolver names the nameserver of resolv.conf it meant
// to ask, while the query went to --resolver. The resolver may hand the
// same *net.DNSError to concurrent lookups of one name, so the error is
// never changed in place: the result says the right server and unwraps
// to err.
func (n *Net) FixDNSError(err error) error {
	var de *net.DNSError
	addrs := n.resolverAddrs()
	if len(addrs) == 0 || n.cfg.GoResolver != nil || !errors.As(err, &de) || de.Server == "" || de.Server == addrs[0] {
		return err
	}
	return &renamedServer{msg: strings.ReplaceAll(err.Error(), " on "+de.Server+":", " on "+addrs[0]+":"), err: err}
}

// renamedServer is an error whose message names the nameserver that
// really answered.
type renamedServer struct {
	msg string
	err error
}

func (e *renamedServer) Error() string { return e.msg }
func (e *renamedServer) Unwrap() error { return e.err }
