package goenv

import "bytes"

// A FileLine is one line of a go env file (the GOENV file or $GOROOT/go.env)
// as cmd/go/internal/cfg.readEnvFile reads it.
type FileLine struct {
	N     int    // line number, from 1
	Text  string // the line without its newline
	Key   string // the key, when the go command reads the line
	Value string
	// Ignored is true for a line the go command skips although it is not
	// blank or a comment: no '=', or a first byte that is not A-Z.
	Ignored bool
	// Shadowed is true for a key set again on a later line: the last wins.
	Shadowed bool
}

// ParseEnvFile reads the lines of a go env file. The go command keeps the
// last value of each key and silently skips lines that are not KEY=VALUE
// with KEY starting in A-Z.
func ParseEnvFile(data []byte) []FileLine {
	var lines []FileLine
	last := map[string]int{}
	for n := 1; len(data) > 0; n++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		fl := FileLine{N: n, Text: string(line)}
		i := bytes.IndexByte(line, '=')
		if i < 0 || line[0] < 'A' || 'Z' < line[0] {
			trimmed := bytes.TrimSpace(line)
			fl.Ignored = len(trimmed) > 0 && trimmed[0] != '#'
			lines = append(lines, fl)
			continue
		}
		fl.Key, fl.Value = string(line[:i]), string(line[i+1:])
		if p, ok := last[fl.Key]; ok {
			lines[p].Shadowed = true
		}
		last[fl.Key] = len(lines)
		lines = append(lines, fl)
	}
	return lines
}

// envFileValues maps each key to its effective value in the file.
func envFileValues(lines []FileLine) map[string]string {
	m := map[string]string{}
	for _, l := range lines {
		if l.Key != "" {
			m[l.Key] = l.Value
		}
	}
	return m
}
