package goenv

// Where says in words where a value comes from.
func (g *Env) Where(v Var) string {
	switch v.Source {
	case SourceProcess:
		return "set in the process environment"
	case SourceFile:
		return "set in the GOENV file " + g.EnvFile + " (by 'go env -w')"
	case SourceGOROOT:
		return "the toolchain default from " + g.GOROOTFile
	case SourceDefault:
		return "the go command's default"
	}
	return "not set"
}
