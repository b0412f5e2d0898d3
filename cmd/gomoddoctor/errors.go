package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// usageError is a mistake on the command line: exit code 2, with a hint
// to read the help.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// exitError ends a command that has said all it has to say with a given
// exit code (1: a check failed; 2: a check could not run).
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// exitCode returns the error that ends a command with code; nil for 0.
func exitCode(code int) error {
	if code == 0 {
		return nil
	}
	return &exitError{code}
}

// usageArgs makes the errors of an argument validator usage errors.
func usageArgs(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := v(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}
