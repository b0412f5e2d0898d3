package checks

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
)

func testEnv() *Env {
	return NewEnv("/work", goenv.New(nil, nil, map[string]string{"GOPROXY": "https://proxy.example.test,direct"}), nil)
}

func fakeCheck(id string, run func(ctx context.Context, env *Env) ([]Finding, error)) *Check {
	return &Check{ID: id, Title: "check " + id, Run: run}
}

func TestRunnerIsolatesPanicsAndErrors(t *testing.T) {
	list := []*Check{
		fakeCheck("a", func(context.Context, *Env) ([]Finding, error) { panic("boom") }),
		fakeCheck("b", func(context.Context, *Env) ([]Finding, error) {
			return []Finding{{Code: "B_WARN", Severity: SevWarn}}, nil
		}),
		fakeCheck("c", func(context.Context, *Env) ([]Finding, error) { return nil, errors.New("cannot read") }),
		fakeCheck("d", func(context.Context, *Env) ([]Finding, error) { return nil, Skip("not in a module") }),
		fakeCheck("e", func(context.Context, *Env) ([]Finding, error) {
			return []Finding{{Code: "E_INFO", Severity: SevInfo}, {Code: "E_FAIL", Severity: SevFail}}, nil
		}),
	}
	res := Runner{}.Run(context.Background(), testEnv(), list)
	want := []struct {
		id  string
		st  Status
		msg string
	}{{"a", StatusError, "panic: boom"}, {"b", StatusWarn, ""}, {"c", StatusError, "cannot read"}, {"d", StatusSkip, ""}, {"e", StatusFail, ""}}
	for i, w := range want {
		r := res[i]
		if r.ID != w.id || r.Status != w.st || !strings.Contains(r.Error, w.msg) {
			t.Errorf("result %d = %s %s %q, want %s %s %q", i, r.ID, r.Status, r.Error, w.id, w.st, w.msg)
		}
		if r.Findings == nil {
			t.Errorf("%s: nil findings; JSON needs []", r.ID)
		}
	}
	if res[3].SkipReason != "not in a module" {
		t.Errorf("skip reason %q", res[3].SkipReason)
	}
}

func TestRunnerBoundsOverrunningChecks(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	list := []*Check{
		fakeCheck("stuck", func(context.Context, *Env) ([]Finding, error) {
			<-release // ignores its context
			return nil, nil
		}),
		fakeCheck("polite", func(ctx context.Context, _ *Env) ([]Finding, error) {
			<-ctx.Done()
			return []Finding{{Code: "POLITE_TIMEOUT", Severity: SevFail}}, nil
		}),
		fakeCheck("quick", func(context.Context, *Env) ([]Finding, error) { return nil, nil }),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	res := Runner{Grace: 50 * time.Millisecond}.Run(ctx, testEnv(), list)
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("run took %v despite its deadline", d)
	}
	if res[0].Status != StatusError || !strings.Contains(res[0].Error, "did not return") {
		t.Errorf("stuck check: %s %q", res[0].Status, res[0].Error)
	}
	if res[1].Status != StatusFail || len(res[1].Findings) != 1 {
		t.Errorf("polite check: %s %v", res[1].Status, res[1].Findings)
	}
	if res[2].Status != StatusPass {
		t.Errorf("quick check: %s", res[2].Status)
	}
}

func TestRunnerRunsConcurrently(t *testing.T) {
	var running, peak atomic.Int32
	slow := func(context.Context, *Env) ([]Finding, error) {
		n := running.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(50 * time.Millisecond)
		running.Add(-1)
		return nil, nil
	}
	var list []*Check
	for _, id := range []string{"a", "b", "c", "d"} {
		list = append(list, fakeCheck(id, slow))
	}
	Runner{}.Run(context.Background(), testEnv(), list)
	if peak.Load() < 2 {
		t.Errorf("at most %d checks ran at once", peak.Load())
	}
}

func TestRunnerScrubsSecrets(t *testing.T) {
	g := goenv.New(map[string]string{"GOPROXY": "https://alice:hunter22@proxy.example.test"}, nil, nil)
	env := NewEnv("/work", g, nil)
	env.AddSecret("netrc-pass-42")
	list := []*Check{fakeCheck("x", func(context.Context, *Env) ([]Finding, error) {
		return []Finding{{
			Code: "X", Severity: SevWarn, Subject: "https://alice:hunter22@proxy.example.test",
			Message: "password hunter22 and netrc-pass-42 leaked", Detail: "token https://TOKEN1234@h.example.test",
			Fixes: []Fix{{Title: "t hunter22", Command: "go env -w GOPROXY=https://alice:hunter22@x", Value: "hunter22"}},
		}}, nil
	})}
	res := Runner{}.Run(context.Background(), env, list)
	f := res[0].Findings[0]
	all := f.Subject + f.Message + f.Detail + f.Fixes[0].Title + f.Fixes[0].Command + f.Fixes[0].Value
	for _, secret := range []string{"hunter22", "netrc-pass-42", "TOKEN1234"} {
		if strings.Contains(all, secret) {
			t.Errorf("%q survived scrubbing: %s", secret, all)
		}
	}
}

func TestReportStatusAndExitCode(t *testing.T) {
	env := testEnv()
	mk := func(sts ...Status) *Report {
		var rs []CheckResult
		for _, s := range sts {
			rs = append(rs, CheckResult{ID: string(s), Status: s})
		}
		return NewReport(env, "test", rs, nil, time.Millisecond)
	}
	for _, tt := range []struct {
		in     []Status
		status Status
		code   int
	}{
		{[]Status{StatusPass, StatusSkip}, StatusPass, ExitOK},
		{[]Status{StatusPass, StatusWarn}, StatusWarn, ExitOK},
		{[]Status{StatusWarn, StatusFail}, StatusFail, ExitFail},
		{[]Status{StatusPass, StatusError}, StatusWarn, ExitInternal},
		{[]Status{StatusError, StatusFail}, StatusFail, ExitFail},
	} {
		r := mk(tt.in...)
		if r.Status != tt.status || r.ExitCode() != tt.code {
			t.Errorf("%v: status %s exit %d, want %s %d", tt.in, r.Status, r.ExitCode(), tt.status, tt.code)
		}
	}
}

// TestRunnerGatesAutoFixes: --fix applies only the fixes a check
// declares Auto (Check.Codes): the runner turns Auto off in the others of
// a warning or failure (information keeps its fixes as they are), and
// in tests makes them an error of the check.
func TestRunnerGatesAutoFixes(t *testing.T) {
	auto := Fix{Title: "set it", Command: "go env -w GOPROXY=off", Kind: FixGoEnv, Auto: true, Key: "GOPROXY", Value: "off"}
	c := &Check{ID: "gate", Title: "gate", Codes: []Code{
		{Code: "DECLARED", Severities: []Severity{SevFail}, Meaning: "declared", Auto: true},
		{Code: "UNDECLARED", Severities: []Severity{SevWarn}, Meaning: "declared, not Auto"},
		{Code: "INFO", Severities: []Severity{SevInfo}, Meaning: "information"},
	},
		Run: func(context.Context, *Env) ([]Finding, error) {
			return []Finding{
				{Code: "DECLARED", Severity: SevFail, Fixes: []Fix{auto}},
				{Code: "UNDECLARED", Severity: SevWarn, Fixes: []Fix{auto, Manual("or by hand", "true")}},
				{Code: "INFO", Severity: SevInfo, Fixes: []Fix{auto}},
			}, nil
		}}
	t.Setenv(StrictEnv, "")
	r := Runner{}.Run(context.Background(), testEnv(), []*Check{c})[0]
	if r.Status != StatusFail {
		t.Fatalf("status %s %s", r.Status, r.Error)
	}
	for _, w := range []struct {
		code string
		auto bool
	}{{"DECLARED", true}, {"UNDECLARED", false}, {"INFO", true}} {
		if f := findingOf(r, w.code); f == nil || f.Fixes[0].Auto != w.auto {
			t.Errorf("%s: %+v, want auto=%v", w.code, f, w.auto)
		}
	}
	r = Runner{Strict: true}.Run(context.Background(), testEnv(), []*Check{c})[0]
	if r.Status != StatusError || !strings.Contains(r.Error, "automatic fixes of UNDECLARED, which the check does not declare Auto") {
		t.Errorf("strict: status %s %q", r.Status, r.Error)
	}
}

func findingOf(r CheckResult, code string) *Finding {
	for i := range r.Findings {
		if r.Findings[i].Code == code {
			return &r.Findings[i]
		}
	}
	return nil
}
