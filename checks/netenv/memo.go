package netenv

import (
	"context"
	"sync"
	"time"
)

// WaitGrace is how long Do still waits for a computation after the
// caller's context has ended: a computation that honours the same
// context stops at once and reports how it ended, and the caller should
// get that report rather than nothing.
const WaitGrace = 50 * time.Millisecond

// A Memo computes the value of each key once and shares it between
// concurrent callers. The computation runs in a goroutine of its own, so
// that every caller, the first one included, can stop waiting when its
// context ends even if the computation does not. The zero Memo is ready
// to use.
type Memo[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]*memoEntry[V]
}

type memoEntry[V any] struct {
	done chan struct{}
	v    V
}

// Do returns the value of key, computing it with f on first use. ok is
// false when ctx ended (and WaitGrace passed) first; the computation then
// goes on and later callers get its result.
func (m *Memo[K, V]) Do(ctx context.Context, key K, f func() V) (v V, ok bool) {
	m.mu.Lock()
	if m.m == nil {
		m.m = map[K]*memoEntry[V]{}
	}
	e, found := m.m[key]
	if !found {
		e = &memoEntry[V]{done: make(chan struct{})}
		m.m[key] = e
		go func() {
			defer close(e.done)
			e.v = f()
		}()
	}
	m.mu.Unlock()
	select {
	case <-e.done:
		return e.v, true
	case <-ctx.Done():
		t := time.NewTimer(WaitGrace)
		defer t.Stop()
		select {
		case <-e.done:
			return e.v, true
		case <-t.C:
			return v, false
		}
	}
}
