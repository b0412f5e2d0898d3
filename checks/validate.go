package checks

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
)

var (
	idRE   = regexp.MustCompile(`^[a-z][a-z0-9]*$`)
	codeRE = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$`)
)

// Validate reports every way in which a list of checks is misdeclared,
// as go/analysis.Validate does for analyzers: a check without an ID, a
// Title or a Run, an ID or a code used twice (codes are unique across
// the list: a report names a finding by its code), a code that is not
// UPPER_SNAKE, a declaration without a meaning or severities, an Auto
// code that can only be information (information is never applied).
func Validate(list []*Check) error {
	var errs []error
	ids := map[string]bool{}
	codes := map[string]string{}
	for _, c := range list {
		switch {
		case c == nil:
			errs = append(errs, errors.New("nil check"))
			continue
		case !idRE.MatchString(c.ID):
			errs = append(errs, fmt.Errorf("check %q: the ID must be a short lower-case word", c.ID))
		case ids[c.ID]:
			errs = append(errs, fmt.Errorf("check %q is listed twice", c.ID))
		}
		ids[c.ID] = true
		if c.Title == "" || c.Doc == "" || c.Run == nil {
			errs = append(errs, fmt.Errorf("check %q: Title, Doc and Run are required", c.ID))
		}
		if len(c.Codes) == 0 {
			errs = append(errs, fmt.Errorf("check %q declares no code", c.ID))
		}
		for _, d := range c.Codes {
			if !codeRE.MatchString(d.Code) {
				errs = append(errs, fmt.Errorf("check %q: code %q is not UPPER_SNAKE", c.ID, d.Code))
			}
			if other, dup := codes[d.Code]; dup {
				errs = append(errs, fmt.Errorf("code %s is declared by %s and %s", d.Code, other, c.ID))
			}
			codes[d.Code] = c.ID
			if d.Meaning == "" {
				errs = append(errs, fmt.Errorf("check %q: code %s has no meaning", c.ID, d.Code))
			}
			if len(d.Severities) == 0 {
				errs = append(errs, fmt.Errorf("check %q: code %s has no severity", c.ID, d.Code))
			}
			for _, s := range d.Severities {
				if s != SevInfo && s != SevWarn && s != SevFail {
					errs = append(errs, fmt.Errorf("check %q: code %s has severity %q", c.ID, d.Code, s))
				}
			}
			if d.Auto && !slices.ContainsFunc(d.Severities, func(s Severity) bool { return s != SevInfo }) {
				errs = append(errs, fmt.Errorf("check %q: code %s is Auto but only information, which --fix never applies", c.ID, d.Code))
			}
		}
	}
	return errors.Join(errs...)
}
