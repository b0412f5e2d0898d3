//go:build !linux

package netenv

import "crypto/x509"

// Elsewhere the doctor does not reproduce the platform's lists (macOS and
// Windows verify with the platform's own store): it uses the system pool.
var certFiles, certDirectories []string

func systemRoots() *Roots {
	r := &Roots{System: true, origin: map[[32]byte]string{}}
	pool, err := x509.SystemCertPool()
	if err != nil {
		r.Problems = append(r.Problems, err.Error())
		pool = x509.NewCertPool()
	}
	r.Pool = pool
	return r
}
