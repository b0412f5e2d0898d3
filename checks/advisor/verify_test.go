package advisor

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gomoddoctor/gomoddoctor/checks"
	"github.com/gomoddoctor/gomoddoctor/checks/goenv"
)

// Two fake checks judge GOPROXY: "reach" fails unless it is the good
// mirror, and proposes a value that does not help (the more specific
// check, later in the suite, proposes one that does not either, and one
// that does); "cfg" fails on a bad value and has a manual step.
func verifyWorld() (*checks.Env, []*checks.Check) {
	env := checks.NewEnv("/work", goenv.New(map[string]string{"GOPROXY": "https://dead.example"}, nil, nil), nil)
	good, bad := "https://good.example", "https://dead.example|direct"
	reach := &checks.Check{ID: "reach", Title: "reach", Doc: "d", Run: func(ctx context.Context, env *checks.Env) ([]checks.Finding, error) {
		if env.Go.Get("GOPROXY") == good {
			return nil, nil
		}
		v := env.Go.Var("GOPROXY")
		return []checks.Finding{{Code: "REACH_FAILED", Severity: checks.SevFail, Subject: "GOPROXY",
			Fixes: []checks.Fix{checks.SetVar(env.Go, v, good, "use the good mirror"), checks.Manual("ask the operators", "true")}}}, nil
	}}
	later := &checks.Check{ID: "later", Title: "later", Doc: "d", Run: func(ctx context.Context, env *checks.Env) ([]checks.Finding, error) {
		if env.Go.Get("GOPROXY") == good {
			return nil, nil
		}
		v := env.Go.Var("GOPROXY")
		return []checks.Finding{{Code: "LATER_FAILED", Severity: checks.SevWarn, Subject: "db", CausedBy: &checks.Ref{Check: "reach", Subject: "GOPROXY"},
			Fixes: []checks.Fix{checks.SetVar(env.Go, v, bad, "move on after errors")}}}, nil
	}}
	return env, []*checks.Check{reach, later}
}

// When fixes disagree on one setting, the value seen to work wins,
// whatever the order of the checks; a step about the cause it removes is
// left out.
func TestPlanDecidesByOutcome(t *testing.T) {
	env, list := verifyWorld()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	results := checks.Runner{}.Run(ctx, env, list)

	// Without trying, the more specific (later) check's value wins.
	plain := Advise(env, results)
	if len(plain) == 0 || plain[0].Value != "https://dead.example|direct" {
		t.Fatalf("untried plan:\n%s", dumpPlan(plain))
	}
	plan := Plan(ctx, env, results, list)
	if len(plan) != 1 {
		t.Fatalf("plan of %d steps, want 1:\n%s", len(plan), dumpPlan(plan))
	}
	s := plan[0]
	if s.Value != "https://good.example" || s.Verified == nil || !s.Verified.Works {
		t.Fatalf("first step:\n%s", dumpPlan(plan))
	}
	if strings.Join(s.Verified.Changes, ", ") != "reach: fail → pass, later: warn → pass" {
		t.Errorf("changes %q", s.Verified.Changes)
	}
	if !strings.Contains(strings.Join(s.Notes, "\n"), "tried, it removes 1 cause(s), where the other removes no cause") {
		t.Errorf("notes %q", s.Notes)
	}
}

// Verification cannot fake success: a value that does not help is
// marked as such, and the other steps stay.
func TestPlanMarksWhatDoesNotWork(t *testing.T) {
	env, list := verifyWorld()
	list[0].Run = func(ctx context.Context, env *checks.Env) ([]checks.Finding, error) {
		v := env.Go.Var("GOPROXY")
		return []checks.Finding{{Code: "REACH_FAILED", Severity: checks.SevFail, Subject: "GOPROXY",
			Fixes: []checks.Fix{checks.SetVar(env.Go, v, "https://also-dead.example", "use another mirror"), checks.Manual("ask the operators", "true")}}}, nil
	}
	list = list[:1]
	ctx := context.Background()
	results := checks.Runner{}.Run(ctx, env, list)
	plan := Plan(ctx, env, results, list)
	if len(plan) != 2 {
		t.Fatalf("plan:\n%s", dumpPlan(plan))
	}
	if v := plan[0].Verified; v == nil || v.Works || len(v.Fixed) != 0 {
		t.Errorf("a step that changes nothing is not marked so:\n%s", dumpPlan(plan))
	}
	if plan[1].Command != "true" {
		t.Errorf("the manual step was left out though nothing removes its cause:\n%s", dumpPlan(plan))
	}
}

func dumpPlan(plan []checks.PlanStep) string {
	var b strings.Builder
	for _, s := range plan {
		b.WriteString(s.Command)
		if s.Verified != nil {
			b.WriteString("  works=" + map[bool]string{true: "yes", false: "no"}[s.Verified.Works] + " " + strings.Join(s.Verified.Changes, ", "))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// A trial that the deadline cut short but that already shows a new
// failure is conclusive: the replacement removes the cause and breaks
// elsewhere (a default proxy that hangs from here), so the step that
// answers the cause itself is the one left.
func TestPlanDropsAReplacementSeenToFailBeforeTheDeadline(t *testing.T) {
	env, list := verifyWorld()
	hang := "https://hang.example"
	list[0].Run = func(ctx context.Context, env *checks.Env) ([]checks.Finding, error) {
		if env.Go.Get("GOPROXY") == hang {
			return []checks.Finding{{Code: "REACH_HANGS", Severity: checks.SevFail, Subject: hang}}, nil
		}
		v := env.Go.Var("GOPROXY")
		return []checks.Finding{{Code: "REACH_FAILED", Severity: checks.SevFail, Subject: "GOPROXY",
			Fixes: []checks.Fix{checks.SetVar(env.Go, v, hang, "use the default"), checks.Manual("ask the operators", "true")}}}, nil
	}
	// Another check waits on the hanging proxy until the deadline.
	list[1].Run = func(ctx context.Context, env *checks.Env) ([]checks.Finding, error) {
		if env.Go.Get("GOPROXY") == hang {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return []checks.Finding{{Code: "LATER_SLOW", Severity: checks.SevWarn, Subject: "db"}}, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	results := checks.Runner{}.Run(ctx, env, list)
	plan := Plan(ctx, env, results, list)
	if len(plan) != 1 || plan[0].Command != "true" {
		t.Fatalf("want only the manual step:\n%s", dumpPlan(plan))
	}
}
