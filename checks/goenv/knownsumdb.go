package goenv

// The go command carries the verifier key of the default checksum database
// built in (cmd/go/internal/modfetch/key.go), so GOSUMDB may name that
// database without a key. This file is the project's one copy of it.
var knownSumDBKeys = map[string]string{
	"sum.golang.org": "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",
}

// sumDBAliases are database names the go command rewrites to another
// database reached at an alternate URL (cmd/go/internal/modfetch/sumdb.go).
var sumDBAliases = map[string]string{
	"sum.golang.google.cn": "sum.golang.org https://sum.golang.google.cn",
}

// KnownSumDBKey returns the built-in verifier key for a database name.
func KnownSumDBKey(name string) (string, bool) {
	k, ok := knownSumDBKeys[name]
	return k, ok
}

// KnownSumDBs returns the names of the databases whose keys the go command
// carries, and the aliases it rewrites.
func KnownSumDBs() (names, aliases []string) {
	for n := range knownSumDBKeys {
		names = append(names, n)
	}
	for a := range sumDBAliases {
		aliases = append(aliases, a)
	}
	return names, aliases
}
