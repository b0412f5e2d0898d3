package netenv

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
)

// Kind classifies the outcome of a probe.
type Kind string

const (
	KindOK       Kind = "ok"      // a response arrived (any status)
	KindRefused  Kind = "refused" // connection refused
	KindTimeout  Kind = "timeout" // no answer before the deadline
	KindReset    Kind = "reset"   // connection reset or closed mid-exchange
	KindDNS      Kind = "dns"     // the host name did not resolve
	KindTLS      Kind = "tls"     // TLS handshake or verification failed
	KindUnreach  Kind = "unreachable"
	KindProxy    Kind = "proxy" // the HTTP proxy could not be reached or failed
	KindProxyAns Kind = "proxy-status"
	// KindRedirects: more than 10 redirects, or a redirect from https to
	// plain http, which the go command refuses.
	KindRedirects Kind = "redirects"
	// KindRefusedLocally: the go command refuses to send the request at
	// all (credentials over plain http).
	KindRefusedLocally Kind = "refused-locally"
	KindFile           Kind = "file" // a file:// URL that cannot be read
	KindOther          Kind = "other"
)

// Classify returns the kind of a network error.
func Classify(err error) Kind {
	if err == nil {
		return KindOK
	}
	var opErr *net.OpError
	proxy := errors.As(err, &opErr) && opErr.Op == "proxyconnect"
	k := classify(err)
	if proxy && k != KindTimeout {
		return KindProxy
	}
	return k
}

func classify(err error) Kind {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var unknown x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var ne net.Error
	switch {
	case errors.Is(err, errTooManyRedirects), errors.Is(err, errInsecureRedirect):
		return KindRedirects
	case errors.As(err, &dnsErr):
		if dnsErr.IsTimeout {
			return KindTimeout
		}
		return KindDNS
	case errors.As(err, &certErr), errors.As(err, &recErr), errors.As(err, &unknown),
		errors.As(err, &hostErr), errors.As(err, &invalid):
		return KindTLS
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return KindTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		return KindRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return KindReset
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return KindUnreach
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "tls: "), strings.Contains(msg, "x509: "),
		strings.Contains(msg, "server gave HTTP response to HTTPS client"):
		return KindTLS
	case strings.Contains(msg, "connection reset"), strings.Contains(msg, "server closed"):
		return KindReset
	}
	return KindOther
}

// TLSProblem classifies a TLS failure.
type TLSProblem string

const (
	TLSOK              TLSProblem = ""
	TLSUnknownAuth     TLSProblem = "unknown-authority"
	TLSExpired         TLSProblem = "expired"
	TLSNotYetValid     TLSProblem = "not-yet-valid"
	TLSHostname        TLSProblem = "hostname"
	TLSProtocolVersion TLSProblem = "protocol-version"
	TLSNotTLS          TLSProblem = "not-tls"
	TLSHandshake       TLSProblem = "handshake"
	TLSOtherInvalid    TLSProblem = "invalid" // another verification failure
)

// tlsProblemOf classifies a handshake error (not a verification one).
func tlsProblemOf(err error) TLSProblem {
	var recErr tls.RecordHeaderError
	msg := err.Error()
	switch {
	case errors.As(err, &recErr), strings.Contains(msg, "server gave HTTP response to HTTPS client"),
		strings.Contains(msg, "first record does not look like a TLS handshake"):
		return TLSNotTLS
	case strings.Contains(msg, "protocol version"), strings.Contains(msg, "unsupported protocol version"):
		return TLSProtocolVersion
	}
	return TLSHandshake
}
