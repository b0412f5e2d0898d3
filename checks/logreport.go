package checks

// The types below carry what 'gomoddoctor explain' found in the output
// of a failed go command. They live here, next to Report, so that every
// renderer renders them from the one Report value; the recogniser that
// fills them in is the checks/explain package.

// LogReport is the explanation of one go command log.
type LogReport struct {
	// Source names the log: a file name, or "-" for standard input.
	Source string `json:"source"`
	Lines  int    `json:"lines"` // lines read
	Bytes  int64  `json:"bytes"` // bytes read
	// Truncated is set when the log was longer than the size limit and
	// only its beginning was read.
	Truncated bool `json:"truncated,omitempty"`
	// Errors counts the error entries found: one entry is an error line
	// with its indented continuation lines.
	Errors int `json:"errors"`
	// Causes are the recognised causes, in the order they first appear in
	// the log. Each is a finding (code, severity, subject, message, fixes)
	// with the log lines it came from.
	Causes []Cause `json:"causes"`
	// Unrecognised are error entries no rule of the catalog recognised.
	// They are listed, never dropped; past a limit only their number is
	// kept in UnrecognisedOmitted.
	Unrecognised        []LogEntry `json:"unrecognised"`
	UnrecognisedOmitted int        `json:"unrecognised_omitted,omitempty"`
	// Checked is set when the live checks ran (--check) to confirm or
	// rule out each cause on this machine.
	Checked bool `json:"checked"`
}

// A Cause is one recognised cause of failure in a log.
type Cause struct {
	Finding
	// Checks are the ids of the checks that can confirm or rule out the
	// cause on a machine; the first one owns the finding code.
	Checks []string `json:"checks"`
	// Count is how many error entries of the log show this cause.
	Count int `json:"count"`
	// Evidence are the first log entries that show it.
	Evidence []LogEntry `json:"evidence"`
	// Verdict says, after --check, what the live checks found.
	Verdict       Verdict `json:"verdict,omitempty"`
	VerdictDetail string  `json:"verdict_detail,omitempty" sanitize:"lines"`
}

// A LogEntry is one error of a log: its first line's number (from 1) and
// its text, continuation lines included.
type LogEntry struct {
	Line int    `json:"line"`
	Text string `json:"text" sanitize:"lines"`
}

// Verdict is what the live checks say about a cause on this machine.
type Verdict string

const (
	VerdictConfirmed  Verdict = "confirmed"   // a check finds the same cause here
	VerdictRuledOut   Verdict = "ruled-out"   // every check that can see it ran and found nothing
	VerdictNotChecked Verdict = "not-checked" // no check that can see it is available, or it could not run
)
