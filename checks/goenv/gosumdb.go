package goenv

import (
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// A SumDB is a parsed GOSUMDB value, interpreted exactly as
// cmd/go/internal/modfetch.dbDial does.
type SumDB struct {
	Value string // the value parsed
	Off   bool   // GOSUMDB=off: no checksum database
	Name  string // the database name (host[/path]), from the verifier key
	Key   string // the verifier key in force
	// KnownKey is true when the key is the go command's built-in key for
	// a name given alone.
	KnownKey bool
	// URL is the explicit second field (bypassing proxies), or "" when the
	// go command derives the path (through GOPROXY, then https://Name).
	URL string
	// Alias is the name as written when the go command rewrote an alias.
	Alias string
	// Err is the go command's error for the value (every checksum lookup
	// fails with it), or nil.
	Err error
	// Suggest is a corrected value for some errors, or "".
	Suggest string
}

// ParseSumDB parses a GOSUMDB value.
func ParseSumDB(value string) *SumDB {
	db := &SumDB{Value: value}
	v := value
	if alias, ok := sumDBAliases[v]; ok {
		db.Alias, v = v, alias
	}
	if v == "off" {
		db.Off = true
		return db
	}
	fields := strings.Fields(v)
	if len(fields) >= 1 {
		if k, ok := knownSumDBKeys[fields[0]]; ok {
			fields[0] = k
			db.KnownKey = true
		}
	}
	switch {
	case len(fields) == 0:
		db.Err = fmt.Errorf("missing GOSUMDB")
		return db
	case len(fields) > 2:
		db.Err = fmt.Errorf("invalid GOSUMDB: too many fields")
		return db
	}
	verifier, err := note.NewVerifier(fields[0])
	if err != nil {
		db.Err = fmt.Errorf("invalid GOSUMDB: %v", err)
		switch {
		case strings.EqualFold(fields[0], "off"):
			db.Suggest = "off"
		case !strings.Contains(fields[0], "+"):
			db.Err = fmt.Errorf("invalid GOSUMDB: %v (%q is not a database the go command knows; give name+key)", err, fields[0])
		}
		return db
	}
	db.Key = fields[0]
	db.Name = verifier.Name()
	direct, err := url.Parse("https://" + db.Name)
	if err != nil || strings.HasSuffix(db.Name, "/") || *direct != (url.URL{Scheme: "https", Host: direct.Host, Path: direct.Path, RawPath: direct.RawPath}) || direct.RawPath != "" || direct.Host == "" {
		db.Err = fmt.Errorf("invalid sumdb name (must be host[/path]): %s", db.Name)
		return db
	}
	if len(fields) == 2 {
		u, err := url.Parse(fields[1])
		if err != nil {
			db.Err = fmt.Errorf("invalid GOSUMDB URL: %v", unwrapURLError(err))
			return db
		}
		switch u.Scheme {
		case "https", "http", "file":
		default:
			// The go command accepts the value but every lookup fails.
			db.Err = fmt.Errorf("unsupported scheme in GOSUMDB URL: %s", RedactURL(u.Redacted()))
		}
		db.URL = fields[1]
	}
	return db
}

// DirectURL is where the go command reaches the database when no proxy
// serves it: the explicit URL, or https://Name.
func (db *SumDB) DirectURL() string {
	if db.URL != "" {
		return db.URL
	}
	return "https://" + db.Name
}
