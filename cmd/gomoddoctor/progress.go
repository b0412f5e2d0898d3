package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
)

// A progressBar draws the progress of long checks on one line of a
// terminal (standard error), redrawn in place. It waits a moment before
// drawing anything, so that a fast run shows nothing, and draws at most
// ten times a second. It is safe for concurrent use.
type progressBar struct {
	mu      sync.Mutex
	w       io.Writer
	width   int
	start   time.Time
	last    time.Time
	shown   bool
	closed  bool // after clear: a check abandoned at the deadline may still report
	now     func() time.Time
	delay   time.Duration
	minStep time.Duration
}

// progressDelay is how long a run goes before a bar appears; tests set
// it to zero.
var progressDelay = 300 * time.Millisecond

func newProgressBar(w io.Writer, width int) *progressBar {
	if width <= 0 {
		width = 80
	}
	return &progressBar{w: w, width: width, now: time.Now, start: time.Now(), delay: progressDelay, minStep: 100 * time.Millisecond}
}

// update is a checks.Options.Progress function.
func (p *progressBar) update(pr checks.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if p.closed || now.Sub(p.start) < p.delay || now.Sub(p.last) < p.minStep {
		return
	}
	p.last = now
	p.shown = true
	fmt.Fprint(p.w, "\r"+p.line(pr)+"\x1b[K")
}

// line renders one progress report, at most width-1 columns wide.
func (p *progressBar) line(pr checks.Progress) string {
	label := pr.Check + ": " + pr.Phase
	if pr.Total <= 0 {
		return truncate(fmt.Sprintf("%s %d", label, pr.Done), p.width-1)
	}
	count := fmt.Sprintf(" %d/%d", min(pr.Done, pr.Total), pr.Total)
	barW := min(40, p.width-1-len(label)-len(count)-3)
	if barW < 5 {
		return truncate(label+count, p.width-1)
	}
	filled := barW * min(pr.Done, pr.Total) / pr.Total
	return label + " [" + strings.Repeat("=", filled) + strings.Repeat(" ", barW-filled) + "]" + count
}

func truncate(s string, n int) string {
	if n < 0 {
		n = 0
	}
	if len(s) > n {
		return s[:n]
	}
	return s
}

// clear erases the bar, so that the report starts on a clean line.
func (p *progressBar) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}
