package probe

import (
	"bytes"

	"golang.org/x/mod/modfile"
)

// A go.mod answer of a proxy is parsed as the go command parses it
// (modfile.ParseLax), but a parse costs some 400 bytes of syntax tree a
// line: a hostile proxy's 1 MiB of "x\n" would cost 200 MB. So a body
// without any line that starts with the module verb is refused without
// parsing it (ParseLax finds no module directive in it either), bodies
// are parsed one at a time, and a large one is parsed a piece of
// statements at a time, a block cut across pieces reopened with its own
// first line, so that the syntax tree of one piece is alive at a time.

const (
	// wholeGoMod is the size up to which a body is parsed in one piece.
	wholeGoMod = 64 << 10
	// pieceLines is the number of lines of one piece of a larger body.
	pieceLines = 2048
)

// parseLax is modfile.ParseLax; tests see what it is given.
var parseLax = modfile.ParseLax

// parseSem lets one large body be parsed at a time.
var parseSem = make(chan struct{}, 1)

// goModValid reports whether the go command reads body as a go.mod file:
// ParseLax accepts it and it has one module directive.
func goModValid(body []byte) bool {
	if !hasModuleVerb(body) {
		return false
	}
	if len(body) <= wholeGoMod {
		f, err := parseLax("go.mod", body, nil)
		return err == nil && f.Module != nil
	}
	parseSem <- struct{}{}
	defer func() { <-parseSem }()
	return piecesValid(body)
}

// hasModuleVerb reports whether a line of body starts (after blanks)
// with "module" not followed by more of an identifier: the only way a
// module directive, alone or as a block, can start.
func hasModuleVerb(body []byte) bool {
	for len(body) > 0 {
		line := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = nil
		}
		line = bytes.TrimLeft(line, " \t\r")
		rest, ok := bytes.CutPrefix(line, []byte("module"))
		if ok && (len(rest) == 0 || !identByte(rest[0])) {
			return true
		}
	}
	return false
}

// identByte reports whether c continues an identifier for modfile's
// lexer (anything but blanks, newlines, comments, quotes and punctuation).
func identByte(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '"', '`', '(', ')', '[', ']', '{', '}', ',', '/':
		return false
	}
	return true
}

// piecesValid parses body a piece at a time. Directives that may appear
// once are counted across pieces, as ParseLax counts them in one file.
func piecesValid(body []byte) bool {
	var (
		piece                    []byte
		header                   []byte // the first line of the open block, if any
		lines                    int
		modules, gos, toolchains int
	)
	flush := func(reopen bool) bool {
		if header != nil {
			piece = append(piece, ")\n"...)
		}
		f, err := parseLax("go.mod", piece, nil)
		if err != nil {
			return false
		}
		if f.Module != nil {
			modules++
		}
		if f.Go != nil {
			gos++
		}
		if f.Toolchain != nil {
			toolchains++
		}
		piece, lines = piece[:0], 0
		if reopen && header != nil {
			piece = append(piece, header...)
		}
		return true
	}
	for len(body) > 0 {
		line := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i+1], body[i+1:]
		} else {
			body = nil
		}
		code := bytes.TrimSpace(stripComment(line))
		piece = append(piece, line...)
		if len(line) > 0 && line[len(line)-1] != '\n' {
			piece = append(piece, '\n')
		}
		lines++
		switch {
		case header == nil && len(code) > 1 && code[len(code)-1] == '(':
			header = append([]byte(nil), line...)
			if header[len(header)-1] != '\n' {
				header = append(header, '\n')
			}
		case header != nil && len(code) > 0 && code[0] == ')':
			header = nil
		}
		if lines >= pieceLines {
			// The block's closing line, if any, is added by flush;
			// the block is reopened in the next piece.
			if !flush(true) {
				return false
			}
		}
	}
	if header != nil {
		// An unterminated block: ParseLax reports it; so does the
		// piece without the ')' flush would add.
		header = nil
	}
	if len(piece) > 0 && !flush(false) {
		return false
	}
	return modules == 1 && gos <= 1 && toolchains <= 1
}

// stripComment cuts a "//" comment off a line, outside quoted strings.
func stripComment(line []byte) []byte {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '`':
			quote = c
		case c == '/' && i+1 < len(line) && line[i+1] == '/':
			return line[:i]
		}
	}
	return line
}
