// Package tls is the tls check: the TLS roots the go command trusts
// (system pool, SSL_CERT_FILE, SSL_CERT_DIR) and a handshake with every
// HTTPS server in scope, through the HTTP proxy in force, judged as the
// go command's verification would: unknown authority (a TLS-intercepting
// proxy), expired, wrong host.
package tls

import (
	"context"
	"crypto/x509"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/probe"

	"github.com/gomoddoctor/gomoddoctor/checks/netenv"
)

// TLSCheck handshakes with every https host in scope.
var Check = &checks.Check{
	ID:    "tls",
	Title: "TLS certificates",
	Doc: `Performs a TLS handshake with every https host the go command would
contact (GOPROXY entries, the checksum database when no proxy serves it,
origins of modules fetched directly), through the same HTTP proxy, with the
same server name and the same roots: the system pool, SSL_CERT_FILE and
SSL_CERT_DIR as crypto/x509 loads them. No request is sent: the connection
closes once the certificates are known. Reports the chain (subject, issuer,
validity, which file the trusted root came from) and classifies: unknown
authority (naming the issuer; a TLS-intercepting proxy's CA is the usual
cause, and the fix adds that CA to SSL_CERT_FILE, never GOINSECURE or
GOFLAGS=-insecure), expired or not yet valid (compared with the local
clock: clock skew), host name mismatch, handshake failures, protocol
versions and servers that do not speak TLS. Also checks that the roots
load at all.`,
	Codes: codes,
	Run:   runTLS,
}

// expiresSoon is how close to its expiry a certificate gets a warning.
const expiresSoon = 7 * 24 * time.Hour

func runTLS(ctx context.Context, env *checks.Env) ([]checks.Finding, error) {
	s := probe.ScopeOf(env)
	if s.Blocked != "" {
		return nil, checks.Skip("%s", s.Blocked)
	}
	probe.Start(ctx, env)
	key := func(p *probe.Endpoint) string {
		if p.Scheme != "https" || p.IsProxy || p.Insecure {
			return ""
		}
		return p.HostPort()
	}
	eps, _ := probe.ForEachEndpoint(ctx, env, key, func(hp string) { env.Net().Handshake(ctx, hp) })
	var out []checks.Finding
	roots := env.Net().Roots()
	recordRoots(env, roots)
	out = append(out, rootsFindings(env, roots)...)
	targets, byTarget := probe.GroupEndpoints(eps, key)
	if len(targets) == 0 {
		return out, checks.Skip("no https host in scope")
	}
	checked := 0
	for _, t := range targets {
		hs, ok := env.Net().Handshake(ctx, t)
		if ok {
			recordServer(env, roots, hs)
		}
		f := judgeTLS(env, t, hs, ok, byTarget[t])
		if f.Code != "TLS_NOT_CHECKED" {
			checked++
		}
		out = append(out, f)
	}
	if checked == 0 {
		return out, checks.Skip("no https host could be reached")
	}
	return out, nil
}

// rootsFindings reports roots that do not load as the user meant.
func rootsFindings(env *checks.Env, r *netenv.Roots) []checks.Finding {
	var out []checks.Finding
	if r.System {
		return nil
	}
	if len(r.Problems) > 0 {
		f := checks.Finding{
			Code: "TLS_ROOTS_PROBLEM", Severity: checks.SevWarn, Subject: "SSL_CERT_FILE",
			Message: "part of the trusted certificates cannot be loaded: " + strings.Join(r.Problems, "; "),
			Detail:  rootsEvidence(r),
		}
		if r.CertFileVar {
			f.Fixes = []checks.Fix{checks.Manual("point SSL_CERT_FILE at a readable PEM bundle (or unset it to use the system's)", "ls -l "+checks.ShellQuote(env.Go.Get("SSL_CERT_FILE")))}
		}
		out = append(out, f)
	}
	if r.Count == 0 {
		out = append(out, checks.Finding{
			Code: "TLS_NO_ROOTS", Severity: checks.SevFail, Subject: "SSL_CERT_FILE",
			Message: "no trusted certificate authority is loaded: every https connection of the go command fails with \"certificate signed by unknown authority\"",
			Detail:  rootsEvidence(r),
			Fixes:   []checks.Fix{checks.Manual("install the system's CA certificates", "sudo apt-get install ca-certificates  # or your system's equivalent")},
		})
	}
	return out
}

func rootsEvidence(r *netenv.Roots) string {
	src := "the system bundle"
	if r.CertFileVar {
		src = "SSL_CERT_FILE"
	}
	lines := []string{fmt.Sprintf("%d certificates loaded", r.Count)}
	if r.CertFile != "" {
		lines = append(lines, fmt.Sprintf("bundle (%s): %s", src, r.CertFile))
	}
	if len(r.Dirs) > 0 {
		what := "directories"
		if r.DirVar {
			what = "SSL_CERT_DIR"
		}
		lines = append(lines, fmt.Sprintf("%s: %s", what, strings.Join(r.Dirs, ":")))
	}
	return strings.Join(lines, "\n")
}

// judgeTLS turns one handshake into a finding.
func judgeTLS(env *checks.Env, target string, hs *netenv.TLSResult, ok bool, eps []*probe.Endpoint) checks.Finding {
	required := false
	var roles []string
	for _, p := range eps {
		required = required || p.Required
		for _, r := range p.Roles {
			if !slices.Contains(roles, r) {
				roles = append(roles, r)
			}
		}
	}
	sev := checks.SevFail
	suffix := ""
	if !required {
		sev, suffix = checks.SevWarn, " (a fallback the go command does not reach with the probe modules)"
	}
	host, _ := netenv.SplitHostPort(target, "443")
	f := checks.Finding{Subject: target, Severity: sev}
	if !ok {
		f.Code, f.Severity = "TLS_NOT_CHECKED", checks.SevInfo
		f.Message = fmt.Sprintf("no TLS handshake with %s before the deadline", target)
		return f
	}
	lines := []string{"needed as: " + strings.Join(roles, "; ")}
	if hs.Via != nil {
		lines = append(lines, fmt.Sprintf("through %s=%s", hs.ViaVar, hs.Via.Redacted()))
	}
	lines = append(lines, chainLines(env, hs)...)
	f.Detail = strings.Join(lines, "\n")

	if hs.Kind != netenv.KindOK && hs.Kind != netenv.KindTLS {
		f.Code, f.Severity = "TLS_NOT_CHECKED", checks.SevInfo
		f.Message = fmt.Sprintf("no TLS handshake with %s: %v (the proxy and dns checks say why)", target, hs.Err)
		return f
	}
	roots := env.Net().Roots()
	switch hs.Problem {
	case netenv.TLSOK:
		f.Code, f.Severity = "TLS_OK", checks.SevInfo
		f.Message = fmt.Sprintf("%s presents a valid certificate (%s), trusted through %s", target, hs.VersionName(), rootName(roots, hs))
		leaf := hs.Chain[0]
		if left := leaf.NotAfter.Sub(hs.Now); left < expiresSoon {
			f.Code, f.Severity = "TLS_EXPIRES_SOON", checks.SevWarn
			f.Message = fmt.Sprintf("the certificate of %s expires in %s (%s)", target, left.Round(time.Hour), leaf.NotAfter.UTC().Format(time.RFC3339))
		}
	case netenv.TLSUnknownAuth:
		top := hs.Chain[len(hs.Chain)-1]
		f.Code = "TLS_UNKNOWN_AUTHORITY"
		issuer := probe.CommonName(top.Issuer.String())
		if len(hs.Chain) == 1 && top.Subject.String() == top.Issuer.String() {
			f.Message = fmt.Sprintf("%s presents a self-signed certificate (%s): the go command fails with \"x509: certificate signed by unknown authority\"%s", target, issuer, suffix)
		} else {
			f.Message = fmt.Sprintf("%s presents a certificate issued by %s, which this machine does not trust: the go command fails with \"x509: certificate signed by unknown authority\"; a TLS-intercepting proxy's CA is the usual cause%s", target, issuer, suffix)
		}
		f.Detail += "\n" + rootsEvidence(roots)
		f.Fixes = trustFixes(env, issuer)
	case netenv.TLSExpired:
		c := invalidCert(hs)
		f.Code = "TLS_EXPIRED"
		f.Message = fmt.Sprintf("the certificate of %s (%s) expired on %s; this machine's clock says %s: the go command fails with \"x509: certificate has expired or is not yet valid\"%s",
			target, probe.CommonName(c.Subject.String()), c.NotAfter.UTC().Format(time.RFC3339), hs.Now.UTC().Format(time.RFC3339), suffix)
		f.Fixes = []checks.Fix{
			checks.Manual("if this machine's clock is wrong, set it right (then the certificate may be valid)", "timedatectl status"),
			checks.Manual("otherwise the operator of "+host+" must renew the certificate", "openssl s_client -connect "+checks.ShellQuote(target)+" -servername "+checks.ShellQuote(host)+" </dev/null | openssl x509 -noout -dates"),
		}
	case netenv.TLSNotYetValid:
		c := invalidCert(hs)
		f.Code = "TLS_NOT_YET_VALID"
		f.Message = fmt.Sprintf("the certificate of %s is valid only from %s but this machine's clock says %s: the clock is probably behind (clock skew)%s",
			target, c.NotBefore.UTC().Format(time.RFC3339), hs.Now.UTC().Format(time.RFC3339), suffix)
		f.Fixes = []checks.Fix{checks.Manual("set the clock right, with network time", "sudo timedatectl set-ntp true")}
	case netenv.TLSHostname:
		leaf := hs.Chain[0]
		names := append(append([]string(nil), leaf.DNSNames...), ipStrings(leaf)...)
		f.Code = "TLS_HOSTNAME_MISMATCH"
		f.Message = fmt.Sprintf("the certificate of %s is for %s, not %s: the go command fails with \"x509: certificate is valid for ..., not %s\"%s", target, strings.Join(names, ", "), host, host, suffix)
		f.Fixes = []checks.Fix{checks.Manual("use the host name the certificate names (check the URL), or ask the operator of "+host+" for a certificate that names it", "go env GOPROXY")}
	case netenv.TLSProtocolVersion:
		f.Code = "TLS_PROTOCOL_VERSION"
		f.Message = fmt.Sprintf("%s and the go command share no TLS version (Go needs TLS 1.2 or later): %v%s", target, hs.Err, suffix)
		f.Fixes = []checks.Fix{checks.Manual("ask the operator of "+host+" to enable TLS 1.2 or 1.3", "openssl s_client -connect "+checks.ShellQuote(target)+" </dev/null")}
	case netenv.TLSNotTLS:
		f.Code = "TLS_NOT_TLS"
		f.Message = fmt.Sprintf("%s does not speak TLS on this port (%v): is the URL http:// rather than https://?%s", target, hs.Err, suffix)
		f.Fixes = []checks.Fix{checks.Manual("check the scheme and port of the URL", "go env GOPROXY")}
	case netenv.TLSHandshake:
		f.Code = "TLS_HANDSHAKE_FAILED"
		f.Message = fmt.Sprintf("the TLS handshake with %s fails: %v%s", target, hs.Err, suffix)
		f.Fixes = []checks.Fix{checks.Manual("ask the operator of "+host+" (or your network team, if a firewall interferes)", "openssl s_client -connect "+checks.ShellQuote(target)+" </dev/null")}
	default:
		f.Code = "TLS_INVALID_CERTIFICATE"
		f.Message = fmt.Sprintf("the certificate of %s does not verify: %v%s", target, hs.VerifyErr, suffix)
	}
	return f
}

// trustFixes add a CA to the go command's roots; never GOINSECURE.
func trustFixes(env *checks.Env, issuer string) []checks.Fix {
	home := env.Go.Get("HOME")
	if home == "" {
		home = "~"
	}
	bundle := filepath.Join(home, ".config", "ssl", "ca-bundle.pem")
	system := netenv.SystemBundle()
	if system == "" {
		system = "/etc/ssl/certs/ca-certificates.crt"
	}
	if cur := env.Go.Get("SSL_CERT_FILE"); cur != "" {
		system = cur
	}
	return []checks.Fix{
		checks.Manual(fmt.Sprintf("get the certificate of %s from your IT department (PEM, saved as corp-ca.pem) and add it to a bundle with the certificates already trusted", issuer),
			fmt.Sprintf("mkdir -p %s && cat %s corp-ca.pem > %s", checks.ShellQuote(filepath.Dir(bundle)), checks.ShellQuote(system), checks.ShellQuote(bundle))),
		checks.SetVar(env.Go, env.Go.Var("SSL_CERT_FILE"), bundle, "make the go command trust that bundle (do not use GOINSECURE or GOFLAGS=-insecure: they turn off verification)"),
	}
}

// chainLines describe the presented certificates.
func chainLines(env *checks.Env, hs *netenv.TLSResult) []string {
	var out []string
	for i, c := range hs.Chain {
		out = append(out, fmt.Sprintf("certificate %d: subject %s, issuer %s, valid %s to %s", i, probe.CommonName(c.Subject.String()), probe.CommonName(c.Issuer.String()),
			c.NotBefore.UTC().Format("2006-01-02"), c.NotAfter.UTC().Format("2006-01-02")))
	}
	if hs.Version != 0 {
		out = append(out, fmt.Sprintf("%s, handshake in %s", hs.VersionName(), probe.Millis(hs.Latency)))
	}
	return out
}

// rootName names the trusted root of a verified chain and its file.
func rootName(roots *netenv.Roots, hs *netenv.TLSResult) string {
	if len(hs.Verified) == 0 {
		return "the system"
	}
	ch := hs.Verified[0]
	root := ch[len(ch)-1]
	s := probe.CommonName(root.Subject.String())
	if f := roots.Origin(root); f != "" {
		s += " from " + f
	}
	return s
}

func invalidCert(hs *netenv.TLSResult) *x509.Certificate {
	for _, c := range hs.Chain {
		if hs.Now.After(c.NotAfter) || hs.Now.Before(c.NotBefore) {
			return c
		}
	}
	return hs.Chain[0]
}

func ipStrings(c *x509.Certificate) []string {
	var out []string
	for _, ip := range c.IPAddresses {
		out = append(out, ip.String())
	}
	return out
}
