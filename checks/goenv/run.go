package goenv

import "context"

// Run runs the go command in dir with this snapshot's process
// environment, the given variables overriding it, and toolchain
// switching off (GOTOOLCHAIN=local). It returns the standard output, or
// an error carrying the go command's standard error.
func (e *Env) Run(ctx context.Context, dir string, override map[string]string, args ...string) ([]byte, error) {
	return runGo(ctx, e.GoBin, dir, e.Environ(override), args...)
}

// Environ returns the process environment the go command runs with,
// with the given variables overriding it: for other programs the go
// command starts, such as git.
func (e *Env) Environ(override map[string]string) []string {
	environ := make([]string, 0, len(e.process)+len(override))
	for k, v := range e.process {
		if _, ok := override[k]; !ok {
			environ = append(environ, k+"="+v)
		}
	}
	for k, v := range override {
		environ = append(environ, k+"="+v)
	}
	return environ
}
