package netenv

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The bound's timer may already be running when the first byte comes
// (Stop cannot stop it any more). What counts is which happened first,
// decided under the watch's lock: an answered request is never cut, and
// a cut one is silent even if the client still returned its headers.
func TestSilenceWatchOrder(t *testing.T) {
	for _, tt := range []struct {
		name      string
		steps     func(w *silenceWatch)
		cut       bool
		cancelled bool
	}{
		{"answer then a late timer", func(w *silenceWatch) { w.start(); w.stop(); w.fire() }, false, false},
		{"timer then the answer", func(w *silenceWatch) { w.start(); w.fire(); w.stop() }, true, true},
		{"headers in then a late timer", func(w *silenceWatch) { w.start(); w.end(); w.fire() }, false, false},
		{"request written after the headers", func(w *silenceWatch) { w.stop(); w.end(); w.start(); w.fire() }, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, w := watchSilence(context.Background(), time.Hour)
			defer w.release()
			tt.steps(w)
			if got := w.silent(); got != tt.cut {
				t.Errorf("silent() = %v, want %v", got, tt.cut)
			}
			if got := errors.Is(context.Cause(ctx), errSilent); got != tt.cancelled {
				t.Errorf("cancelled by the bound = %v, want %v", got, tt.cancelled)
			}
		})
	}
}
