package report

import (
	"fmt"
	"io"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/repair"
)

// Formats are the output formats, the first the default.
var Formats = []string{"text", "json", "markdown", "github"}

// Options are the reader's choices that apply to every format.
type Options struct {
	Verbose bool // show passing checks' details and informational findings
	Color   bool // text: emit colour escape codes
	Width   int  // text: wrap prose to this many columns; 0 means 80
}

// Render writes the report in format, one of Formats.
func Render(w io.Writer, format string, rep *checks.Report, o Options) (err error) {
	w, done := guarded(w, formatMode(format, o))
	defer done(&err)
	switch format {
	case "json":
		return JSON(w, rep)
	case "markdown":
		return Markdown(w, rep, MarkdownOptions{Verbose: o.Verbose})
	case "github":
		return GitHub(w, rep, GitHubOptions{Verbose: o.Verbose})
	case "text":
		return Text(w, rep, TextOptions{Verbose: o.Verbose, Color: o.Color, Width: o.Width})
	}
	return fmt.Errorf("unknown format %q", format)
}

// formatMode is what format may write on purpose (see guard).
func formatMode(format string, o Options) guardMode {
	return guardMode{color: format == "text" && o.Color, annotations: format == "github"}
}

// FixHandler returns the renderer of a 'gomoddoctor --fix' run
// (repair.Handler) in format. In text, everything goes to out as it
// happens: the report found, the change about to be made, what --fix
// does, the commands it runs and the report of the checks run again.
// In the formats for machines, out receives one report, the one that
// ends the run, and the sentences go to errOut.
func FixHandler(format string, out, errOut io.Writer, o Options) repair.Handler {
	if format == "text" {
		return &textFix{out: out, o: o}
	}
	return &machineFix{format: format, out: out, errOut: errOut, o: o}
}

type textFix struct {
	out io.Writer
	o   Options
}

func (h *textFix) Found(before *checks.Report) error {
	return Text(h.out, before, TextOptions{Verbose: h.o.Verbose, Color: h.o.Color, Width: h.o.Width, HidePlan: true})
}

func (h *textFix) Planned(p repair.Plan) error {
	return FixPreviewText(h.out, FixPreview{File: p.File, Diff: p.Diff, Apply: p.Apply, Cache: p.Cache, Left: p.Left, Notes: p.Notes},
		TextOptions{Color: h.o.Color, Width: h.o.Width})
}

func (h *textFix) Say(msg string) { Say(h.out, msg, TextOptions{Width: h.o.Width}) }

func (h *textFix) Ran(command string, output []byte) {
	if output == nil {
		sayLine(h.out, "$ "+command)
		return
	}
	w, done := guarded(h.out, guardMode{})
	w.Write(output)
	var err error
	done(&err)
}

// Round says that the checks run again ask for another round, and why.
func (h *textFix) Round(n int, rep *checks.Report) error {
	return Say(h.out, "\n"+roundText(n, rep), TextOptions{Width: h.o.Width})
}

// Done shows the report of the checks run again; a run that changed
// nothing has shown everything already.
func (h *textFix) Done(rep *checks.Report, verified bool) error {
	if !verified {
		return nil
	}
	return Render(h.out, "text", rep, h.o)
}

type machineFix struct {
	format      string
	out, errOut io.Writer
	o           Options
}

func (h *machineFix) Found(*checks.Report) error { return nil }
func (h *machineFix) Planned(repair.Plan) error  { return nil }
func (h *machineFix) Say(msg string)             { sayLine(h.errOut, msg) }
func (h *machineFix) Ran(string, []byte)         {}
func (h *machineFix) Round(n int, rep *checks.Report) error {
	return sayLine(h.errOut, roundText(n, rep))
}

// sayLine writes a message of the CLI as it is, on its own line.
func sayLine(w io.Writer, msg string) (err error) {
	w, done := guarded(w, guardMode{})
	defer done(&err)
	_, err = fmt.Fprintln(w, checks.SanitizeText(msg))
	return err
}
func (h *machineFix) Done(rep *checks.Report, _ bool) error {
	return Render(h.out, h.format, rep, h.o)
}
