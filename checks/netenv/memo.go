package netenv

import (
	"context"
	"sync"
	"time"
)

// WaitGrace is how long after the caller's deadline Do still waits for
// a computation: one that honours the same context stops at once and
// reports how it ended, and the caller should get that report rather
// than nothing. The limit is absolute (the deadline plus WaitGrace), so
// that a check waiting for several results in turn is not late by more
// than WaitGrace in all (the Runner allows its checks 250ms).
const WaitGrace = 150 * time.Millisecond

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
// false when ctx ended (and WaitGrace after its deadline passed) first;
// the computation then goes on and later callers get its result.
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
		limit := time.Now().Add(WaitGrace)
		if d, ok := ctx.Deadline(); ok && d.Add(WaitGrace).Before(limit) {
			limit = d.Add(WaitGrace)
		}
		t := time.NewTimer(time.Until(limit))
		defer t.Stop()
		select {
		case <-e.done:
			return e.v, true
		case <-t.C:
			return v, false
		}
	}
}
