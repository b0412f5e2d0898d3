package netenv

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptrace"
	"sync"
	"time"
)

// Silence: a server that accepts the connection and the request but
// never sends the first byte of its answer. The go command sets no
// timeout on module proxy requests (cmd/go/internal/web uses a client
// without one), so there it would wait forever; the doctor only needs
// to wait long enough to be sure it is not merely slow.

type silenceKey struct{}

// WithSilenceBound returns a context under which Get gives up on a
// request once d has passed, after the request was written, without
// the response headers: the Response then has Kind KindTimeout and
// Silent set to d. The bound does not cover connecting, the TLS
// handshake (the transport bounds those, as the go command's does) or
// the body.
func WithSilenceBound(ctx context.Context, d time.Duration) context.Context {
	if d <= 0 {
		return ctx
	}
	return context.WithValue(ctx, silenceKey{}, d)
}

func silenceBound(ctx context.Context) time.Duration {
	d, _ := ctx.Value(silenceKey{}).(time.Duration)
	return d
}

// errSilent is the cause of a request cut by the silence bound.
var errSilent = errors.New("no answer")

// silenceWatch cancels a request whose answer does not start within d
// of each request written (redirects included).
type silenceWatch struct {
	mu     sync.Mutex
	d      time.Duration
	cancel context.CancelCauseFunc
	timer  *time.Timer
	done   bool // the headers are in, or the request failed
	heard  bool // the first byte of the answer came
	cut    bool // the bound passed first and the request was cancelled
}

// watchSilence returns ctx with the watch attached (a trace and a
// cancellation). The caller calls end once the headers are in (or the
// request failed), and release when done with ctx.
func watchSilence(ctx context.Context, d time.Duration) (context.Context, *silenceWatch) {
	ctx, cancel := context.WithCancelCause(ctx)
	w := &silenceWatch{d: d, cancel: cancel}
	trace := &httptrace.ClientTrace{
		WroteRequest:         func(httptrace.WroteRequestInfo) { w.start() },
		GotFirstResponseByte: func() { w.stop() },
	}
	return httptrace.WithClientTrace(ctx, trace), w
}

// end stops watching: the body that follows is not bounded by silence.
func (w *silenceWatch) end() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done = true
	if w.timer != nil {
		w.timer.Stop()
	}
}

// release frees the watch's context.
func (w *silenceWatch) release() { w.cancel(nil) }

func (w *silenceWatch) start() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return
	}
	if w.timer != nil {
		w.timer.Stop()
	}
	w.timer = time.AfterFunc(w.d, w.fire)
}

// fire cuts the request unless its answer started meanwhile: a timer
// that Stop could not stop any more must not cancel an answered request.
func (w *silenceWatch) fire() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.heard || w.done {
		return
	}
	w.cut = true
	w.cancel(errSilent)
}

func (w *silenceWatch) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.heard = true
	if w.timer != nil {
		w.timer.Stop()
	}
}

// silent reports whether the bound cut the request. It may be true
// even when the client returned a response: the headers were read in
// the same instant the bound passed, and the cancelled body is lost.
func (w *silenceWatch) silent() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.cut
}

// silentErr is the error of a request cut by the silence bound.
func silentErr(d time.Duration) error {
	return fmt.Errorf("no answer %s after the request was sent (the go command sets no timeout on proxy requests: it would wait forever)", d.Round(time.Millisecond))
}
