package netenv

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"net/url"
	"time"
)

// A TLSResult is what one TLS handshake with a server showed.
type TLSResult struct {
	Target     string // host:port
	ServerName string
	Via        *url.URL // the HTTP proxy the handshake went through, or nil
	ViaVar     string

	// Kind is KindOK when the server completed a handshake (whatever
	// its certificate); otherwise the connection's failure, in Err.
	Kind Kind
	Err  error
	// ProxyStatus is the proxy's answer to CONNECT when it was not 200.
	ProxyStatus     int
	ProxyStatusText string

	// Problem classifies what the go command would reject: a handshake
	// failure (with Kind KindTLS) or a certificate that does not verify
	// (with Kind KindOK and VerifyErr set).
	Problem   TLSProblem
	VerifyErr error

	Chain    []*x509.Certificate   // as presented, leaf first
	Verified [][]*x509.Certificate // chains to a trusted root
	Version  uint16
	Latency  time.Duration
	Now      time.Time // the clock the certificates were checked against
}

// VersionName names the negotiated protocol version.
func (t *TLSResult) VersionName() string { return tls.VersionName(t.Version) }

// errHandshakeCaptured stops a handshake probe once the server's
// certificates are in hand, before any request is sent.
var errHandshakeCaptured = errors.New("gomoddoctor: handshake captured")

// Handshake performs a TLS handshake with host:port exactly as the go
// command's transport would (through the same proxy, CONNECT included,
// with the same server name) and checks the certificates against Roots
// with the run's clock. It never sends a request: the connection is
// closed as soon as the certificates are known. Results are shared: a
// second call for the same target waits for the first.
func (n *Net) Handshake(ctx context.Context, hostport string) (*TLSResult, bool) {
	return n.handshakes.Do(ctx, hostport, func() *TLSResult { return n.handshake(ctx, hostport) })
}

func (n *Net) handshake(ctx context.Context, hostport string) *TLSResult {
	host, _ := SplitHostPort(hostport, "443")
	t := &TLSResult{Target: hostport, ServerName: host, Now: n.Now()}
	u := &url.URL{Scheme: "https", Host: hostport, Path: "/"}
	via, err := n.ProxyFor(u)
	if err != nil {
		t.Kind, t.Err = KindProxy, err
		return t
	}
	t.Via, t.ViaVar = Stripped(via), n.Proxy().VarFor("https")

	rec := &recorder{}
	tr := n.transports().handshake.Clone()
	tr.TLSClientConfig = &tls.Config{
		ServerName:         host,
		InsecureSkipVerify: true, // verified below, with the go command's roots
		VerifyConnection: func(cs tls.ConnectionState) error {
			rec.mu.Lock()
			rec.state = &cs
			rec.mu.Unlock()
			return errHandshakeCaptured
		},
	}
	defer tr.CloseIdleConnections()
	ctx = context.WithValue(ctx, recorderKey{}, rec)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		t.Kind, t.Err = KindOther, err
		return t
	}
	start := time.Now()
	res, err := (&http.Client{Transport: tr}).Do(req)
	t.Latency = time.Since(start)
	if res != nil {
		res.Body.Close() // cannot happen: the handshake always fails
	}
	rec.mu.Lock()
	state := rec.state
	if rec.connectStatus != 0 && rec.connectStatus != http.StatusOK {
		t.ProxyStatus, t.ProxyStatusText = rec.connectStatus, rec.connectText
	}
	rec.mu.Unlock()
	if state == nil {
		t.Err = n.FixDNSError(cleanURLError(err))
		t.Kind = Classify(err)
		if t.ProxyStatus != 0 {
			t.Kind = KindProxyAns
		}
		if t.Kind == KindTLS {
			t.Problem = tlsProblemOf(err)
		}
		return t
	}
	t.Kind = KindOK
	t.Chain = state.PeerCertificates
	t.Version = state.Version
	t.verify(n.Roots())
	return t
}

// verify checks the presented chain as crypto/tls does for a client.
func (t *TLSResult) verify(roots *Roots) {
	if len(t.Chain) == 0 {
		t.Problem, t.VerifyErr = TLSHandshake, errors.New("the server presented no certificate")
		return
	}
	opts := x509.VerifyOptions{
		Roots:         roots.Pool,
		DNSName:       t.ServerName,
		CurrentTime:   t.Now,
		Intermediates: x509.NewCertPool(),
	}
	for _, c := range t.Chain[1:] {
		opts.Intermediates.AddCert(c)
	}
	chains, err := t.Chain[0].Verify(opts)
	if err == nil {
		t.Verified = chains
		return
	}
	t.VerifyErr = err
	var unknown x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &hostErr):
		t.Problem = TLSHostname
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		t.Problem = TLSExpired
		c := invalid.Cert
		if c == nil {
			c = t.Chain[0]
		}
		if t.Now.Before(c.NotBefore) {
			t.Problem = TLSNotYetValid
		}
	case errors.As(err, &unknown):
		t.Problem = TLSUnknownAuth
	default:
		t.Problem = TLSOtherInvalid
	}
}

// Reachable reports whether the failure, if any, was only about TLS:
// the server answered.
func (t *TLSResult) Reachable() bool { return t.Kind == KindOK || t.Kind == KindTLS }
