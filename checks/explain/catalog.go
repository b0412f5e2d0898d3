package explain

// This file is the catalog: every pattern explain knows, as data. The
// rest of the package is machinery that reads a log into entries, runs
// this table over them and fills in the fixes; adding a cause is adding
// a rule here (and a line to the tests' expectations).
//
// Finding codes. A cause that a live check already reports uses that
// check's code exactly (today: the env check's). A cause that belongs to
// a check not landed yet has a provisional code with the owning check's
// prefix (DNS_, PROXY_, TLS_, SUMDB_, MODCACHE_, PRIVATE_, MODULE_); its
// rule names that check (Check) so that the codes can be aligned with the
// real ones, by editing only this file, when the check lands. A rule
// marked NoRuleOut is a cause its check can confirm but not rule out
// (it may lie in what the failing command asked for); its code may be
// one only explain reports.
//
// Order matters: the first rule that matches an entry explains it. Rules
// are ordered from the most specific to the most generic: configuration
// errors the go command reports before it does anything, then checksum
// verification, private modules and version control, the network (DNS,
// TLS, connections), HTTP answers of proxies, module semantics, the
// module cache, and last the generic fallbacks.
//
// Pattern syntax is RE2 (package regexp). Named groups become template
// variables ({name}) of the rule's subject, message and fixes, on top of
// the variables every entry gets from the extractors below (module,
// version, url, host, pkg, suggest, netcause...). A pattern sees the
// entry's own text, without the "server response:" part a module proxy
// may attach to an HTTP error, unless the rule is marked Full: what a
// remote proxy says about its own network (its DNS, its git) is not a
// fact about this one.

var catalog = []rule{
	// ---------------------------------------------------------------
	// Configuration the go command rejects before fetching anything.
	// Codes of the env check.
	{
		Code: "GOPROXY_OFF", Check: "env",
		Match:   []string{`disabled by GOPROXY=off`},
		Subject: []string{"=GOPROXY"},
		Message: "GOPROXY=off: the go command may not download modules, and {module|a module it needed} is not in the module cache",
		Fixes: []fixSpec{
			restore("GOPROXY", "goproxyOff", "let the go command download again: restore the toolchain default GOPROXY"),
			manual("or, to stay offline, fill the module cache first where downloads are allowed", "go mod download"),
		},
	},
	{
		Code: "GOPROXY_EMPTY", Check: "env",
		Match:   []string{`GOPROXY list is not the empty string, but contains no entries`},
		Subject: []string{"=GOPROXY"},
		Message: "GOPROXY has no entries (only commas, bars or spaces): every module download fails",
		Fixes:   []fixSpec{restore("GOPROXY", "goproxyEmpty", "restore the toolchain default GOPROXY")},
	},
	{
		Code: "GOPROXY_HTTP_CREDENTIALS", Check: "env",
		Match:   []string{`refusing to pass credentials to insecure URL:? ?(?P<url>\S*)`},
		Subject: []string{"=GOPROXY"},
		Message: "a GOPROXY entry carries credentials over plain HTTP; the go command refuses to send them, so every download through it fails",
		Fixes: []fixSpec{
			manual("use https:// for the proxy that needs credentials (or move them to ~/.netrc)", "go env -w GOPROXY=https://proxy.corp.example,direct"),
		},
	},
	{
		Code: "GOPROXY_INVALID", Check: "env",
		Match: []string{
			`invalid proxy URL missing scheme: (?P<value>\S+)`,
			`invalid proxy URL scheme \(must be https, http, file\): (?P<value>\S+)`,
			`invalid file:// proxy URL with non-path elements: (?P<value>\S+)`,
			`invalid proxy URL`,
		},
		Subject: []string{"=GOPROXY"},
		Message: "GOPROXY has an entry the go command rejects ({value|an entry that is not a URL}): every module download fails",
		Fixes: []fixSpec{
			proxyRepair("correct the GOPROXY entry"),
			restore("GOPROXY", "goproxyInvalid", "or restore the toolchain default GOPROXY"),
		},
	},
	{
		Code: "GOSUMDB_INVALID", Check: "env",
		Match: []string{
			`invalid GOSUMDB( URL)?: (?P<detail>[^\n]+)`,
			`missing GOSUMDB`,
			`invalid sumdb name \(must be host\[/path\]\)`,
			`malformed verifier id`,
		},
		Subject: []string{"=GOSUMDB"},
		Message: "GOSUMDB is not a value the go command understands{detail? ({detail})}: every module missing from go.sum fails to verify",
		Fixes: []fixSpec{
			restore("GOSUMDB", "gosumdbInvalid", "restore the toolchain default GOSUMDB"),
			manual("or, for your own checksum database, give its name, its verifier key and optionally its URL", "go env -w 'GOSUMDB=sum.corp.example+<key> https://sum.corp.example'"),
		},
	},
	{
		Code: "GOSUMDB_OFF", Check: "env",
		Match:   []string{`checksum database disabled by GOSUMDB=off`},
		Subject: []string{"=GOSUMDB"},
		Message: "GOSUMDB=off, and the command needed the checksum database (to verify {module|a module} missing from go.sum)",
		Fixes: []fixSpec{
			restore("GOSUMDB", "gosumdbOff", "turn verification back on; exempt private modules with GOPRIVATE or GONOSUMDB instead"),
		},
	},
	{
		Code: "GO111MODULE_INVALID", Check: "env",
		Match:   []string{`unknown environment setting GO111MODULE=(?P<value>\S*)`},
		Subject: []string{"=GO111MODULE"},
		Message: "GO111MODULE={value} is not on, off or auto: every go command fails",
		Fixes:   []fixSpec{unset("GO111MODULE", "go111moduleSet", "remove GO111MODULE: module mode is the default")},
	},
	{
		Code: "GO111MODULE_OFF", Check: "env",
		Match: []string{
			`modules disabled by GO111MODULE=off`,
			`cannot find package "(?P<pkg>[^"]+)" in any of:`,
			`cannot use path@version syntax in GOPATH mode`,
		},
		Subject: []string{"=GO111MODULE"},
		Message: "the go command ran in GOPATH mode (GO111MODULE=off, or auto outside a module): go.mod is ignored and nothing is fetched as a module",
		Fixes:   []fixSpec{unset("GO111MODULE", "go111moduleOff", "remove GO111MODULE: module mode is the default")},
	},
	{
		Code: "GOFLAGS_INSECURE", Check: "env",
		Match:   []string{`-insecure flag is no longer supported`},
		Subject: []string{"=GOFLAGS"},
		Message: "the -insecure flag (in GOFLAGS or on the command line) is no longer supported",
		Fixes: []fixSpec{
			dropFlag("insecure", "remove -insecure from GOFLAGS; if a TLS-intercepting proxy is the reason, trust its CA (SSL_CERT_FILE) instead"),
		},
	},
	{
		Code: "GOFLAGS_INVALID", Check: "env",
		Match: []string{
			`parsing \$GOFLAGS: (?P<detail>[^\n]+)`,
			`-mod=(?P<value>\S+) not supported`,
			`invalid value "(?P<value>[^"]*)" for flag -mod`,
		},
		Subject: []string{"=GOFLAGS"},
		Message: "GOFLAGS (or the command line) holds a flag the go command rejects{detail? ({detail})}: every go command fails",
		Fixes:   []fixSpec{unset("GOFLAGS", "goflagsSet", "clear GOFLAGS, then set again only valid flags (-name=value)")},
	},
	{
		Code: "GOTOOLCHAIN_INVALID", Check: "env",
		Match:   []string{`invalid GOTOOLCHAIN "(?P<value>[^"]*)"`},
		Subject: []string{"=GOTOOLCHAIN"},
		Message: "GOTOOLCHAIN={value} is not a valid value (local, auto, path, go1.N.M, go1.N.M+auto, go1.N.M+path): every go command fails",
		Fixes:   []fixSpec{restore("GOTOOLCHAIN", "gotoolchainInvalid", "use the toolchain default")},
	},
	{
		Code: "GOROOT_INVALID", Check: "env",
		Match:   []string{`cannot find GOROOT directory: (?P<path>\S+)`},
		Subject: []string{"=GOROOT"},
		Message: "GOROOT points to a directory that is not a Go installation: the go command refuses to run",
		Fixes:   []fixSpec{unset("GOROOT", "always", "let the go command find its own installation")},
	},
	{
		Code: "GOPATH_UNSET", Check: "env",
		Match:   []string{`module cache not found: neither GOMODCACHE nor GOPATH is set`, `neither GOPATH nor GOMODCACHE are set`},
		Subject: []string{"=GOPATH"},
		Message: "neither GOMODCACHE nor GOPATH is set (and HOME is unset): there is no module cache to download into",
		Fixes:   []fixSpec{manual("set HOME (the default GOPATH is $HOME/go), or GOPATH to an absolute directory", `export GOPATH="${TMPDIR:-/tmp}/go"`)},
	},
	{
		Code: "GOMODCACHE_RELATIVE", Check: "env",
		Match:   []string{`GOMODCACHE (entry|environment variable) is relative`},
		Subject: []string{"=GOMODCACHE"},
		Message: "GOMODCACHE is a relative path; the go command requires an absolute one",
		Fixes:   []fixSpec{unset("GOMODCACHE", "always", "use the default, GOPATH/pkg/mod")},
	},
	{
		Code: "GOPATH_RELATIVE", Check: "env",
		Match:   []string{`GOPATH entry is relative`, `must be absolute path`},
		Subject: []string{"=GOPATH"},
		Message: "GOPATH (or a path setting) is relative; the go command requires absolute paths (and the shell does not expand ~ in quotes or in 'go env -w')",
		Fixes:   []fixSpec{manual("set it to an absolute path", `go env -w GOPATH="$HOME/go"`)},
	},
	{
		Code: "GOMODCACHE_NOT_DIR", Check: "env",
		Match:   []string{`could not create module cache: (?P<path>"?[^\n"]+"?) is not a directory`},
		Subject: []string{"=GOMODCACHE"},
		Message: "the module cache path is a file, not a directory",
		Fixes:   []fixSpec{unset("GOMODCACHE", "always", "use the default, GOPATH/pkg/mod, or move the file out of the way")},
	},
	{
		Code: "GOMODCACHE_NOT_WRITABLE", Check: "env", Also: []string{"modcache"},
		Confirms: []string{"GOMODCACHE_NOT_WRITABLE", "MODCACHE_NOT_WRITABLE"},
		Match:    []string{`could not create module cache(?:: (?P<detail>[^\n]+))?`},
		Subject:  []string{"=GOMODCACHE"},
		Message:  "the module cache cannot be created or written{detail?: {detail}}",
		Fixes:    []fixSpec{manual("give the module cache back to your user (a 'sudo go get' once is the usual cause)", `sudo chown -R "$(id -u):$(id -g)" "$(go env GOMODCACHE)"`)},
	},
	{
		Code: "HTTP_PROXY_INVALID", Check: "env",
		Match:   []string{`invalid proxy address "?(?P<value>[^"\s]*)"?`, `unsupported proxy scheme`},
		Subject: []string{"=HTTPS_PROXY"},
		Message: "HTTPS_PROXY (or HTTP_PROXY) is not a usable proxy URL: every request of the go command fails",
		Fixes:   []fixSpec{manual("write it as scheme://host:port", "export HTTPS_PROXY=http://proxy.corp.example:3128")},
	},

	// ---------------------------------------------------------------
	// go.mod and toolchain versions. Codes of the module check.
	{
		Code: "MODULE_GOWORK_OUTDATED", Check: "module",
		Match:   []string{`listed in go\.work file requires go >= (?P<want>\S+), but go\.work lists go (?P<have>\S+)`},
		Subject: []string{"=go.work"},
		Message: "a module of the workspace requires go {want}, but go.work says go {have}",
		Fixes:   []fixSpec{suggested("update go.work as the go command says"), manual("update go.work", "go work use")},
	},
	// A go command too old for the module does not say so: it fails to
	// parse go.mod (a toolchain line, a three-part go version) or takes a
	// standard-library package it does not have for a module path. The
	// evidence (the directive, the package, the release that added it)
	// names the Go release needed.
	{
		Code: "MODULE_REQUIRES_NEWER_GO", Check: "module", NoRuleOut: true,
		When: "directive",
		Match: []string{
			`go\.(?:mod|work):\d+: unknown directive: (?P<directive>toolchain|godebug|tool|ignore)\b`,
		},
		Subject: []string{"=go"},
		Message: "go.mod uses the {directive} directive, which the go command that ran ({have|an older release}) does not know: the module needs Go {want_release} or later",
		Fixes:   toolchainFixes,
	},
	{
		Code: "MODULE_REQUIRES_NEWER_GO", Check: "module", NoRuleOut: true,
		Match: []string{
			`go\.(?:mod|work):\d+: invalid go version '(?P<want>1\.\d+\.\d+)': must match format`,
		},
		Subject: []string{"=go"},
		Message: "go.mod says go {want}, a three-part version the go command that ran ({have|older than Go 1.21}) cannot read: the module needs Go {want_release} or later",
		Fixes:   toolchainFixes,
	},
	{
		Code: "MODULE_REQUIRES_NEWER_GO", Check: "module", NoRuleOut: true,
		When: "stdNew",
		Match: []string{
			`malformed module path "(?P<path>[^"]*)": missing dot in first path element`,
			`cannot find module for path (?P<path>[^\s:]+)`,
			`unrecognized import path "(?P<path>[^"]+)"[^\n]*import path does not begin with hostname`,
			`package (?P<path>\S+) is not in (?:GOROOT|std)`,
			`cannot find package "(?P<path>[^"]+)" in any of`,
		},
		Subject: []string{"=go"},
		Message: "{path} is in the standard library since Go {want}, but the go command that ran ({have|an older release}) does not have it and took it for a module path: the module needs Go {want_release} or later",
		Fixes:   toolchainFixes,
	},
	{
		Code: "GOROOT_INVALID", Check: "env",
		When: "stdOld",
		Match: []string{
			`cannot find module for path (?P<path>[^\s:]+)`,
			`unrecognized import path "(?P<path>[^"]+)"[^\n]*import path does not begin with hostname`,
			`package (?P<path>\S+) is not in (?:GOROOT|std)`,
		},
		Subject: []string{"=GOROOT"},
		Message: "the go command cannot find the standard-library package {path}: GOROOT points to a directory that is not the Go installation (or the installation is damaged)",
		Fixes:   []fixSpec{unset("GOROOT", "always", "let the go command find its own installation")},
	},
	{
		Code: "MODULE_REQUIRES_NEWER_GO", Check: "module",
		Match: []string{
			`requires go >= (?P<want>[0-9][^\s;)]*) \(running go (?P<have>[^\s;)]+)(?P<local>; GOTOOLCHAIN=local)?\)`,
			// Not "...; switching to go1.N": that is the toolchain
			// switch working.
			`(?m)requires go >= (?P<want>[0-9][^\s;)]*)$`,
		},
		Subject: []string{"module", "=go.mod"},
		Message: "{module|the module or a dependency} requires Go {want}, newer than the go command that ran ({have|an older release}), and GOTOOLCHAIN does not let it switch to a newer toolchain",
		Fixes: []fixSpec{
			set("GOTOOLCHAIN", "auto", "gotoolchainLocal", "let the go command download and run the toolchain go.mod asks for"),
			manual("or install Go {want} or later and put it first on PATH", "go install golang.org/dl/go{want}@latest && go{want} download"),
		},
	},
	{
		Code: "MODULE_TOOLCHAIN_UNAVAILABLE", Check: "module", NoRuleOut: true, Also: []string{"proxy"},
		Match: []string{
			`download (?P<want>go\S+)(?: for \S+)?: toolchain not available`,
			`(?:go|toolchain)@(?P<want>\S+): no matching versions for query`,
		},
		Subject: []string{"want"},
		Message: "the toolchain {want} that go.mod (or the command) asks for cannot be downloaded: it does not exist for this platform, or the module proxy does not serve it",
		Fixes: []fixSpec{
			manual("check the go and toolchain lines of go.mod: they must name a released Go version", "go mod edit -print | grep -E '^(go|toolchain) '"),
		},
	},

	// ---------------------------------------------------------------
	// Checksum verification. Codes of the sumdb check.
	{
		Code: "SUMDB_FORK", Check: "sumdb",
		Match:   []string{`server misbehavior detected`, `proof of misbehavior`},
		Subject: []string{"=GOSUMDB"},
		Message: "the checksum database (or a proxy in front of it) served a log inconsistent with one seen before: this is a security failure, not a configuration problem",
		Fixes: []fixSpec{
			manual("keep verification on and report it to the database operator with the proof printed above; do not set GOSUMDB=off", "go env GOSUMDB GOPROXY"),
		},
	},
	{
		Code: "SUMDB_WRONG_KEY", Check: "sumdb",
		Match: []string{
			`reading tree note: (?:note has no verifiable signatures|unknown key|verifier name or hash mismatch)`,
		},
		Subject: []string{"=GOSUMDB"},
		Message: "the checksum database's answers are not signed by the key in GOSUMDB: an old or mistyped key, or another database answering under this name",
		Fixes: []fixSpec{
			manual("check the verifier key in GOSUMDB with the database's operator; keep verification on (never GOSUMDB=off)", "go env GOSUMDB GOPROXY"),
		},
	},
	{
		Code: "SUMDB_DOWNLOAD_MISMATCH", Check: "sumdb", NoRuleOut: true, Confirms: []string{"SUMDB_DOWNLOAD_MISMATCH", "SUMDB_PROXY_MISMATCH"},
		Match: []string{
			`verifying (?:module|go\.mod): checksum mismatch(?:\s+downloaded: (?P<got>\S+)\s+(?P<db>[^\s:]+): +(?P<want>\S+))?`,
			`does NOT match the one reported by the checksum server`,
		},
		Subject: []string{"module", "=GOSUMDB"},
		Message: "the download of {module|a module}{at_version|} does not match the checksum database: the proxy or origin served different content than everyone else got",
		Fixes: []fixSpec{
			manual("if the version was re-tagged upstream, the origin now serves other content than the database recorded: its authors must publish a new version; require another one", "go list -m -versions {module}"),
			restoreNoAuto("GOPROXY", "always", "if the go command fetched it from the origin (GOPROXY=direct), fetch through the default module proxy, which keeps what was first published"),
			manual("fetch the version from its origin to see whether your proxy alters it, and report it; keep verification on", "GOPROXY=direct go mod download -x {module}@{version}"),
		},
	},
	{
		Code: "SUMDB_GOSUM_MISMATCH", Check: "sumdb", NoRuleOut: true, Also: []string{"modcache"},
		Match: []string{
			`verifying (?P<module>[^\s@]+)@(?P<version>[^\s:/]+)(?:/go\.mod)?: checksum mismatch(?:\s+downloaded: (?P<got>\S+)\s+go(?:\.work)?\.sum: +(?P<want>\S+))?`,
			`does NOT match an earlier download recorded in go\.sum`,
			`checksum mismatch`,
		},
		Subject: []string{"module", "=go.sum"},
		Message: "the download of {module|a module}{at_version|} does not match the hash recorded in go.sum: the go.sum line was edited or merged badly, the version was re-tagged upstream, or the download was altered on the way",
		Fixes: []fixSpec{
			manual("if go.sum was edited or merged badly: drop its lines for this version and fetch it again with verification on (never GOSUMDB=off)",
				`awk '!($1 == "{module}" && ($2 == "{version}" || $2 == "{version}/go.mod"))' go.sum > go.sum.new && mv go.sum.new go.sum && go mod download {module}@{version}`),
			manual("then check that the module cache matches go.sum", "go mod verify"),
			manual("if the version was re-tagged upstream, its authors must publish a new version: require another one", "go list -m -versions {module}"),
			restoreNoAuto("GOPROXY", "always", "if the go command fetched it from the origin (GOPROXY=direct) or a proxy that refetched it, fetch through the default module proxy, which keeps what was first published"),
		},
	},
	{
		Code: "SUMDB_RECORD_INVALID", Check: "sumdb", NoRuleOut: true,
		Match:   []string{`checksum missing from sumdb response`, `does NOT match one reported by the checksum server`},
		Subject: []string{"module", "=GOSUMDB"},
		Message: "the checksum database answered without an entry for {module|the download}: the database, or something between it and you, is not behaving",
		Fixes:   []fixSpec{manual("retry later and report it if it persists; keep verification on", "go env GOSUMDB GOPROXY")},
	},
	// A company proxy that serves the checksum database refuses the
	// lookups of the company's own modules, by design: Athens answers 403
	// for modules matching ATHENS_GONOSUM_PATTERNS, and its home page
	// tells clients to set GONOSUMDB to the same patterns.
	{
		Code: "SUMDB_LOOKUP_FORBIDDEN", Check: "sumdb", NoRuleOut: true, Also: []string{"private", "proxy"},
		Match: []string{
			`verifying [^\n]*reading (?P<url>\S*/sumdb/[^\s/]+/(?:lookup|tile|latest)\S*): 403 Forbidden`,
		},
		Subject: []string{"module", "isproxy"},
		Message: "the module proxy {isproxy|} refuses to look up {module|the module} in the checksum database (403 Forbidden): a company proxy (Athens with ATHENS_GONOSUM_PATTERNS) does this by design for its private modules, so that their names never leave the company; the go command must not verify them there",
		Fixes: []fixSpec{
			addPattern("GONOSUMDB", "exempt {module} from the checksum database, as the proxy's own page asks (GONOSUMDB keeps it on the proxy)"),
		},
	},
	// A broken mirror of the checksum database on a module proxy: the
	// tile the proxy must serve is missing, whatever the module.
	{
		Code: "SUMDB_UNREACHABLE", Check: "sumdb", Also: []string{"dns", "tls", "proxy"},
		Match: []string{
			`verifying [^\n]*reading (?P<url>\S*/sumdb/\S+/tile/\S+): (?P<status>404 Not Found|410 Gone)`,
		},
		Subject: []string{"isproxy", "host"},
		Message: "the module proxy {isproxy|} serves a broken mirror of the checksum database: it answered {status} for a tile it must have; {module|the module} is not at fault, and the proxy's operator must fix the mirror",
		Fixes: []fixSpec{
			restoreNoAuto("GOPROXY", "always", "meanwhile use a module proxy whose checksum-database mirror works: the toolchain default"),
			manual("or your company's proxy, if it serves the checksum database (keep verification on)", "go env -w GOPROXY=https://proxy.corp.example,direct"),
		},
	},
	// A version the checksum database cannot vouch for. A +incompatible
	// version of v2 or later that the database refuses is one the module
	// does not have: its go.mod declares the /vN path.
	{
		Code: "MODULE_MAJOR_VERSION_MISMATCH", Check: "module", NoRuleOut: true,
		Match: []string{
			`verifying (?P<module>[^\s@]+)@(?P<version>v(?P<major>[2-9]|[1-9][0-9]+)\.[^\s:/]*\+incompatible)[^\n]*(?:404 Not Found|410 Gone)`,
		},
		Subject: []string{"module"},
		Message: "{module}@{version} does not exist: from v{major} on the module declares its path as {module}/v{major} in go.mod, so there is no +incompatible version to verify",
		Fixes:   []fixSpec{manual("require the major version under its own path (and import it so)", "go get {module}/v{major}")},
	},
	{
		Code: "SUMDB_NOT_FOUND", Check: "sumdb", NoRuleOut: true, Also: []string{"private"},
		When: "private", Full: true,
		Match: []string{
			`verifying [^\n]*(?:/lookup/|/sumdb/)[^\n]*: (?P<status>404 Not Found|410 Gone)`,
			`verifying [^\n]*: reading (?P<url>https?://\S*(?:/lookup/|/sumdb/)\S*): (?P<status>404 Not Found|410 Gone)`,
		},
		Subject: []string{"module", "host"},
		Message: "the checksum database does not know {module|the module} ({status|not found}){private_evidence? and the origin asked for credentials ({private_evidence})}: it is private, so it must not be looked up there",
		Fixes: []fixSpec{
			addPattern("GONOSUMDB", "exempt it from the checksum database (GONOSUMDB keeps it on your proxy; use GOPRIVATE if it must bypass the proxy too)"),
		},
	},
	{
		Code: "SUMDB_NOT_FOUND", Check: "sumdb", NoRuleOut: true,
		When: "public", Full: true,
		Match: []string{
			`verifying [^\n]*/lookup/[^\n]*: (?P<status>404 Not Found|410 Gone)\n\s*server response:(?s:.*?)(?P<why>Failed to connect[^\n]*|unable to access[^\n]*|[Cc]onnection refused|i/o timeout|TLS handshake timeout|5[0-9][0-9] [A-Z][^\n]*)`,
		},
		Subject: []string{"module", "host"},
		Message: "the checksum database could not fetch {module}{at_version|} from its origin ({why}): a problem on the database's or the origin's side, not on this machine; {module} is public, so verification stays on",
		Fixes: []fixSpec{
			manual("retry later: the database's operators or the origin must act", "go mod download {module}{at_version|}"),
		},
	},
	{
		Code: "SUMDB_NOT_FOUND", Check: "sumdb", NoRuleOut: true,
		When: "public", Full: true,
		Match: []string{
			`verifying [^\n]*(?:/lookup/|/sumdb/)[^\n]*: (?P<status>404 Not Found|410 Gone)(?:\n\s*server response:\s*(?P<why>[^\n]+))?`,
		},
		Subject: []string{"module", "host"},
		Message: "the checksum database has no record of {module}{at_version|} ({status}){why? (it says: {why})}: the version does not exist at the origin, was re-tagged or deleted, or its files break the module zip rules; {module} is public, so verification must stay on: choose another version, or ask its authors to publish a fixed one",
		Fixes: []fixSpec{
			manual("list the versions that exist and require another one", "go list -m -versions {module}"),
		},
	},
	{
		Code: "SUMDB_UNREACHABLE", Check: "sumdb", Also: []string{"dns", "tls", "proxy"},
		Match: []string{
			`verifying [^\n]*?(?:Get "(?P<url>[^"]+)"|dial tcp|lookup \S+|connection refused|connection reset|i/o timeout|x509: |tls: |proxyconnect|no such host|reading (?P<url2>\S+): [1-5][0-9][0-9]|reading file://|: EOF|Could not resolve host)`,
		},
		Subject: []string{"host", "=GOSUMDB"},
		Message: "the checksum database could not be reached to verify {module|a module}: {netcause|the request failed}",
		Fixes: []fixSpec{
			manual("reach the checksum database through a module proxy this network can reach that serves it (its /sumdb/ path: your company's proxy or a public mirror); the go command then asks the proxy, not the database host", "go env -w GOPROXY=https://proxy.corp.example,direct"),
			privateOnly(addPattern("GONOSUMDB", "{module} is private: exempt it from the checksum database")),
			manual("or make the database host reachable (firewall, DNS); never GOSUMDB=off", "go env GOSUMDB"),
		},
	},

	// ---------------------------------------------------------------
	// Private modules and version control. Codes of the private check.
	{
		Code: "PRIVATE_MODULE_NOT_EXCLUDED", Check: "private", NoRuleOut: true, Also: []string{"proxy"},
		Full: true,
		// The proxy's own words say why; the strongest signals first.
		Match: []string{
			`(?P<status>404 Not Found|410 Gone)\n\s*server response:(?s:.*?)(?P<why>terminal prompts disabled|could not read Username|[Aa]uthentication failed|[Rr]epository not found|Permission denied)`,
			`(?P<status>404 Not Found|410 Gone)\n\s*server response:(?s:.*?)(?P<why>unrecognized import path|no such host|no secure protocol|git ls-remote)`,
		},
		Subject: []string{"module", "host"},
		Message: "the module proxy cannot fetch {module|the module} ({status}: its server says \"{why}\"): it is a private module, and the go command asked the public proxy for it instead of fetching it directly",
		Fixes: []fixSpec{
			addPattern("GOPRIVATE", "fetch it directly from its origin, and never name it to the proxy or the checksum database"),
		},
	},
	{
		Code: "MODULE_UNKNOWN_REVISION", Check: "module", NoRuleOut: true, Also: []string{"private"},
		// A proxy's "unknown revision" is a fact about the module, not
		// about the proxy: it may come from the server response.
		Full:    true,
		Match:   []string{`unknown revision (?P<rev>\S+)`, `unknown revision`},
		Subject: []string{"module"},
		Message: "{module|the module} has no revision {rev|of that name}: the tag, branch or commit does not exist at the origin (or was not pushed)",
		Fixes:   []fixSpec{manual("list the versions that exist", "go list -m -versions {module}")},
	},
	// On a public code host a prompt for credentials is also how the
	// host answers a repository that does not exist: the go command's
	// own hint ("Confirm the import path was entered correctly") comes
	// first.
	{
		Code: "PRIVATE_REPO_NOT_FOUND", Check: "private", NoRuleOut: true,
		When: "onPublicHost",
		Match: []string{
			`terminal prompts disabled`,
		},
		Subject: []string{"module", "repo", "host"},
		Message: "{module|{repo|the repository}} is not there for the go command: {host|the host} asked for credentials, which is how it answers for a repository that does not exist (a typo in the import path, a renamed or deleted repository) as well as for a private one",
		Fixes: []fixSpec{
			manual("confirm the import path: the repository must exist under exactly this name (a typo, or a repository renamed or deleted, is the usual cause)", "git ls-remote https://{repo|{module}}"),
			manual("only if it is a private repository you may read: give git credentials for {host} without a prompt", `printf 'machine {host} login <user> password <token>\n' >> ~/.netrc && chmod 600 ~/.netrc`),
		},
	},
	{
		Code: "PRIVATE_TERMINAL_PROMPTS_DISABLED", Check: "private", NoRuleOut: true,
		Match: []string{
			`could not read (?:Username|Password) for '(?P<url>[^']+)': terminal prompts disabled`,
			`terminal prompts disabled`,
		},
		Subject: []string{"host", "module"},
		Message: "git needed a user name and password for {host|the repository} and could not ask: the go command runs git without a terminal",
		Fixes: []fixSpec{
			manual("give git credentials for {host} without a prompt, in ~/.netrc (or a git credential helper)", `printf 'machine {host} login <user> password <token>\n' >> ~/.netrc && chmod 600 ~/.netrc`),
			manual("or let git use ssh for {host}", `git config --global url."git@{host}:".insteadOf "https://{host}/"`),
		},
	},
	{
		Code: "PRIVATE_AUTH_FAILED", Check: "private", NoRuleOut: true,
		Full: true, // git servers say it in remote: lines
		Match: []string{
			`Authentication failed for '?(?P<url>[^'\s]+)'?`,
			`Permission denied \(publickey[^)]*\)`,
			`Host key verification failed`,
			`The requested URL returned error: (?P<status>401|403)`,
			`HTTP Basic: Access denied`,
			`Could not read from remote repository`,
		},
		Subject: []string{"host", "module"},
		Message: "git could not authenticate to {host|the repository}: the credentials (ssh key, token in ~/.netrc or credential helper) are missing, wrong or lack access",
		Fixes: []fixSpec{
			manual("check access to the repository with the same credentials git uses", "git ls-remote {url}"),
			manual("check access to the repository with the same credentials git uses", "git ls-remote https://{module}"),
		},
	},
	{
		Code: "PRIVATE_REPO_NOT_FOUND", Check: "private", NoRuleOut: true,
		Full:    true, // git servers say it in remote: lines
		Match:   []string{`[Rr]epository '?(?P<url>[^'\s]*)'? not found`, `remote: Repository not found`},
		Subject: []string{"host", "module"},
		Message: "the repository of {module|the module} does not exist or is hidden from these credentials (hosts answer \"not found\" to unauthorised requests)",
		Fixes:   []fixSpec{manual("check the module path and your access to its repository", "git ls-remote https://{module}")},
	},
	{
		Code: "PRIVATE_GOVCS_DISALLOWED", Check: "private", NoRuleOut: true,
		Match:   []string{`GOVCS disallows using (?P<vcs>\S+) for (?:private|public) (?P<module>[^\s;]+)`},
		Subject: []string{"module"},
		Message: "GOVCS does not allow {vcs} for {module}",
		Fixes:   []fixSpec{manual("allow it in GOVCS (or fetch it through a module proxy)", "go env -w GOVCS={module}:{vcs}")},
	},
	{
		Code: "PRIVATE_VCS_MISSING", Check: "private", NoRuleOut: true,
		Match:   []string{`"(?P<vcs>git|hg|svn|bzr|fossil)": executable file not found`},
		Subject: []string{"vcs"},
		Message: "fetching {module|a module} directly needs {vcs}, which is not on PATH",
		Fixes:   []fixSpec{manual("install {vcs} (or fetch the module through a module proxy)", "command -v {vcs}")},
	},
	{
		Code: "PRIVATE_ORIGIN_UNREACHABLE", Check: "private", NoRuleOut: true,
		Match:   []string{`no secure protocol found for repository`},
		Subject: []string{"module"},
		Message: "the repository of {module|the module} offers no secure protocol (https or ssh) that the go command will use",
		Fixes:   []fixSpec{manual("serve the repository over https or ssh (GOINSECURE is the insecure last resort)", "go env GOINSECURE")},
	},

	// ---------------------------------------------------------------
	// The network: HTTP proxy, TLS, DNS, connections. Provisional codes
	// of the proxy, tls and dns checks.
	{
		Code: "PROXY_HTTP_PROXY_UNREACHABLE", Check: "proxy", Also: []string{"env"},
		Confirms: []string{"PROXY_HTTP_PROXY_UNREACHABLE", "HTTP_PROXY_INVALID"},
		Match:    []string{`proxyconnect tcp: (?:dial tcp (?P<addr>[^\s:]+:\d+): )?(?P<detail>[^\n]+)`},
		Subject:  []string{"addr", "=HTTPS_PROXY"},
		Message:  "the HTTP proxy in HTTPS_PROXY ({addr|the proxy}) could not be used: {detail}",
		Fixes:    []fixSpec{manual("check HTTPS_PROXY (and NO_PROXY): the proxy must be running and reachable, or the variable unset", `env | grep -i _proxy`)},
	},
	{
		Code: "PROXY_AUTH_REQUIRED", Check: "proxy",
		Match:   []string{`Proxy Authentication Required`},
		Subject: []string{"=HTTPS_PROXY"},
		Message: "the HTTP proxy in HTTPS_PROXY requires authentication (407)",
		Fixes:   []fixSpec{manual("give the proxy credentials in HTTPS_PROXY", "export 'HTTPS_PROXY=http://<user>:<password>@proxy.corp.example:3128'")},
	},
	{
		Code: "TLS_UNKNOWN_AUTHORITY", Check: "tls",
		Match:   []string{`x509: certificate signed by unknown authority`, `certificate is not trusted`, `x509: [^\n]*unknown authority`},
		Subject: []string{"host"},
		Message: "the TLS certificate of {host|the server} is signed by an authority this machine does not trust: a TLS-intercepting proxy is the usual cause",
		Fixes: []fixSpec{
			manual("add the intercepting proxy's CA certificate to the roots Go trusts (never GOINSECURE or -insecure)", "export SSL_CERT_FILE=/path/to/corp-ca-bundle.pem"),
		},
	},
	{
		Code: "TLS_EXPIRED", Check: "tls",
		Match:   []string{`x509: certificate has expired or is not yet valid(?:: (?P<detail>[^\n]*))?`},
		Subject: []string{"host"},
		Message: "the TLS certificate of {host|the server} has expired or is not yet valid{detail? ({detail})}: the server's certificate is out of date, or this machine's clock is wrong",
		Fixes:   []fixSpec{manual("compare this machine's clock with the real time", "date -u")},
	},
	{
		Code: "TLS_HOSTNAME_MISMATCH", Check: "tls",
		Match: []string{
			`x509: certificate is valid for (?P<names>[^\n]+?), not (?P<name>\S+)`,
			`x509: certificate is not valid for any names`,
			`x509: certificate relies on legacy Common Name field`,
		},
		Subject: []string{"host"},
		Message: "the TLS certificate presented for {host|the server} is for another name{names|}: a proxy or a wrong DNS answer is in the way",
		Fixes:   []fixSpec{manual("see which certificate is served", "openssl s_client -connect {host}:443 -servername {host} </dev/null | openssl x509 -noout -subject -issuer")},
	},
	{
		Code: "TLS_HANDSHAKE_FAILED", Check: "tls",
		Match: []string{
			`tls: first record does not look like a TLS handshake`,
			`TLS handshake timeout`,
			`remote error: tls: [^\n]+`,
			`tls: [^\n]*handshake[^\n]*`,
			`tls: failed to verify certificate[^\n]*`,
			`x509: [^\n]+`,
		},
		Subject: []string{"host"},
		Message: "the TLS handshake with {host|the server} failed: {netcause|a protocol or certificate error}",
		Fixes:   []fixSpec{manual("see what the server answers", "openssl s_client -connect {host}:443 -servername {host} </dev/null")},
	},
	{
		Code: "DNS_RESOLVER_UNREACHABLE", Check: "dns",
		Match: []string{
			`lookup (?P<host>[^\s:]+) on (?P<resolver>\S+): (?:read|dial|write) udp[^\n]*?(?:connection refused|network is unreachable|no route to host|i/o timeout|invalid argument|actively refused|` + winTimeout + `|` + winRefused + `|` + zhTimeout + `)`,
		},
		// The DNS server is the subject: the host it was asked about is
		// not at fault.
		Subject: []string{"resolver", "host"},
		Message: "the DNS server {resolver} cannot be reached from here (asked for {host}): {netcause|name resolution is broken on this machine or in this container}; {host} itself is not at fault",
		Fixes: []fixSpec{
			manual("check the DNS servers this machine (or container) uses: {resolver} must be reachable", "cat /etc/resolv.conf"),
		},
	},
	{
		Code: "DNS_TIMEOUT", Check: "dns",
		Match:   []string{`lookup (?P<host>[^\s:]+)(?: on \S+)?: [^\n]*(?:i/o timeout|timeout)`},
		Subject: []string{"host"},
		Message: "the DNS lookup of {host} timed out",
		Fixes: []fixSpec{
			manual("check the nameservers this machine uses", "cat /etc/resolv.conf"),
			proxyFix("or, if {host} is a module proxy this network cannot resolve, use one it can (your company's proxy, or a public mirror), with direct as the fallback"),
		},
	},
	{
		Code: "DNS_SERVFAIL", Check: "dns",
		Match:   []string{`lookup (?P<host>[^\s:]+)(?: on \S+)?: server misbehaving`, `Temporary failure in name resolution`},
		Subject: []string{"host"},
		Message: "the DNS server failed to answer for {host|a host} (SERVFAIL or a refused query)",
		Fixes:   []fixSpec{manual("check the nameservers this machine uses", "cat /etc/resolv.conf")},
	},
	{
		Code: "DNS_NXDOMAIN", Check: "dns",
		Match: []string{
			`lookup (?P<host>[^\s:]+)(?: on \S+)?: no such host`,
			`Could not resolve host: (?P<host>[^\s']+)`,
			`(?:Name or service not known|nodename nor servname provided)`,
			`no such host`,
		},
		Subject: []string{"host"},
		Message: "the host {host|name} does not resolve: a typo in GOPROXY or GOSUMDB, a host reachable only on another network (VPN), or DNS filtering",
		Fixes: []fixSpec{
			proxyFix("{host} is the module proxy in GOPROXY and does not resolve: use a proxy that exists and this network can reach, with direct as the fallback"),
			manual("see where the go command sends requests", "go env GOPROXY GOSUMDB GOPRIVATE"),
			privateOnly(addPattern("GOPRIVATE", "{module} is private and only its own host is reachable from here: fetch it directly")),
		},
	},
	{
		Code: "PROXY_REFUSED", Check: "proxy",
		Match:   []string{`dial tcp (?P<addr>\S+): connect: connection refused`, `connection refused`, winRefused, zhRefused},
		Subject: []string{"host", "addr"},
		Message: "the connection to {host|{addr|the server}} was refused: nothing listens there, or a firewall rejects it",
		Fixes: []fixSpec{
			netProxyFix,
			manual("check the address the go command uses", "go env GOPROXY GOSUMDB"),
		},
	},
	{
		Code: "PROXY_UNREACHABLE", Check: "proxy",
		Match:   []string{`network is unreachable`, `no route to host`, `A socket operation was attempted to an unreachable (?:network|host)`},
		Subject: []string{"host", "addr"},
		Message: "{host|the server} is not reachable from this network (no route)",
		Fixes: []fixSpec{
			netProxyFix,
			manual("check the route and firewall", "go env GOPROXY"),
		},
	},
	{
		Code: "PROXY_TIMEOUT", Check: "proxy",
		Match:   []string{`i/o timeout`, `context deadline exceeded`, `Client\.Timeout exceeded`, `connection timed out`, `operation timed out`, winTimeout, zhTimeout},
		Subject: []string{"host", "addr"},
		Message: "the connection to {host|the server} timed out: it is down, blocked by a firewall that drops packets, or very slow",
		Fixes: []fixSpec{
			netProxyFix,
			barFallback("with '|' instead of ',' the go command falls through to the next GOPROXY entry after a timeout"),
		},
	},
	{
		Code: "PROXY_RESET", Check: "proxy",
		Match:   []string{`connection reset by peer`, `: EOF(?:\n|$)`, `unexpected EOF`, `broken pipe`, `server closed idle connection`, winReset, zhReset},
		Subject: []string{"host", "addr"},
		Message: "{host|the server} dropped the connection: a firewall or proxy that cuts connections, or a server that crashed",
		Fixes: []fixSpec{
			netProxyFix,
			manual("retry, and check the proxy chain; with '|' instead of ',' the go command falls through to the next entry", "go env GOPROXY"),
		},
	},

	// ---------------------------------------------------------------
	// HTTP answers of module proxies (and file:// proxies). Provisional
	// codes of the proxy check.
	{
		Code: "PROXY_UNAUTHORIZED", Check: "proxy", Also: []string{"private"},
		Match:   []string{`(?P<status>401 Unauthorized)`},
		Subject: []string{"host"},
		Message: "the module proxy {host|} asks for credentials (401)",
		Fixes: []fixSpec{
			manual("give the credentials for {machine|{host}} in ~/.netrc (the go command reads it, matching the host with its port; an entry already there for it is the one read: correct it rather than add one after it)", `printf 'machine {machine|{host}} login <user> password <token>\n' >> ~/.netrc && chmod 600 ~/.netrc`),
		},
	},
	{
		Code: "PROXY_FORBIDDEN", Check: "proxy",
		Match:   []string{`(?P<status>403 Forbidden)`},
		Subject: []string{"host"},
		Message: "the module proxy {host|} refuses {module|the request} (403): it is blocked or not on the proxy's allow list; after ',' the go command does not try the next GOPROXY entry on a 403",
		Fixes: []fixSpec{
			barFallback("fall through to the next GOPROXY entry after any error, not only 404/410"),
			manual("or ask the proxy's administrators to allow {module}", "go env GOPROXY"),
		},
	},
	{
		Code: "PROXY_NOT_FOUND", Check: "proxy", Also: []string{"module", "private"},
		Match: []string{
			`(?P<status>404 Not Found)`,
			`reading (?P<url>file://\S+?):? (?:no such file or directory|[^\n]*cannot find the (?:path|file) specified)`,
			`reading (?P<url>file://\S+)`,
		},
		Subject: []string{"module", "host"},
		Message: "{host|the module proxy} does not have {module|the module}{at_version|} ({status|not found}): the version does not exist (a typo, a tag not pushed), or the module is private and must not be requested from this proxy",
		Fixes: []fixSpec{
			manual("list the versions that exist", "go list -m -versions {module}"),
			addPattern("GOPRIVATE", "if {module} is private, fetch it directly from its origin"),
		},
	},
	{
		Code: "PROXY_NOT_FOUND", Check: "proxy", Also: []string{"module", "private"},
		Match:   []string{`(?P<status>410 Gone)`},
		Subject: []string{"module", "host"},
		Message: "{host|the module proxy} will not serve {module|the module}{at_version|} (410 Gone): the public proxy answers this for modules it cannot fetch, such as private ones, and for retracted or removed versions",
		Fixes: []fixSpec{
			addPattern("GOPRIVATE", "if {module} is private, fetch it directly from its origin"),
			manual("otherwise list the versions that exist", "go list -m -versions {module}"),
		},
	},
	{
		Code: "PROXY_HTTP_ERROR", Check: "proxy",
		Match:   []string{`(?P<status>429 Too Many Requests)`},
		Subject: []string{"host"},
		Message: "the module proxy {host|} is rate-limiting these requests (429)",
		Fixes:   []fixSpec{manual("retry later, or use a proxy of your own (a caching proxy in CI)", "go env GOPROXY")},
	},
	{
		Code: "PROXY_SERVER_ERROR", Check: "proxy",
		Match:   []string{`(?P<status>5[0-9][0-9] (?:Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout|[A-Z][A-Za-z ]+))`, `reading \S+: (?P<status>5[0-9][0-9])`, `returned error: (?P<status>5[0-9][0-9])`},
		Subject: []string{"host"},
		Message: "{host|the server} failed ({status}): a problem on the server's side, which its operator must fix; after ',' the go command does not try the next GOPROXY entry",
		Fixes: []fixSpec{
			manual("retry later: the server's operator must act", "go env GOPROXY"),
			barFallback("fall through to the next GOPROXY entry after any error"),
		},
	},
	{
		Code: "PROXY_NOT_A_PROXY", Check: "proxy",
		Match:   []string{`invalid response from proxy "(?P<url>[^"]*)"`, `proxy returned info for version \S+ instead of requested version`},
		Subject: []string{"host", "url"},
		Message: "{url|the module proxy} answered something that is not a module proxy response: a captive portal, a login page, or a URL that is not a module proxy",
		Fixes:   []fixSpec{manual("see what the proxy answers", "curl -sS \"$(go env GOPROXY | cut -d, -f1)/\" | head")},
	},
	{
		Code: "PROXY_REDIRECT", Check: "proxy",
		Match:   []string{`redirected from secure URL (?P<url>\S+) to insecure URL (?P<to>\S+)`, `to insecure URL`},
		Subject: []string{"host"},
		Message: "{host|a server} redirected an https request to plain http, which the go command refuses",
		Fixes:   []fixSpec{manual("use an https URL that does not redirect to http", "go env GOPROXY")},
	},
	{
		Code: "PROXY_REDIRECT_LOOP", Check: "proxy",
		Match:   []string{`stopped after \d+ redirects`},
		Subject: []string{"host"},
		Message: "{host|a server} redirects in a loop: a login page or a misconfigured proxy",
		Fixes:   []fixSpec{manual("see where it redirects", "curl -sSI \"$(go env GOPROXY | cut -d, -f1)/\"")},
	},

	// ---------------------------------------------------------------
	// Modules, versions and go.mod. Codes of the module check.
	{
		Code: "MODULE_PATH_MISMATCH", Check: "module", NoRuleOut: true,
		Match:   []string{`module declares its path as: (?P<declared>\S+)(?:\s+but was required as: (?P<required>\S+))?`},
		Subject: []string{"required", "module"},
		Message: "the module required as {required|{module|this path}} declares its path as {declared}: it was renamed or moved, or a fork was required under the wrong path",
		Fixes: []fixSpec{
			manual("require it under the path it declares (and change the imports to match)", "go get {declared}@{version}"),
			manual("require it under the path it declares (and change the imports to match)", "go get {declared}"),
		},
	},
	{
		Code: "MODULE_INVALID_PSEUDO_VERSION", Check: "module", NoRuleOut: true,
		Match:   []string{`invalid pseudo-version: (?P<detail>[^\n]+)`},
		Subject: []string{"module"},
		Message: "the pseudo-version {version|} of {module|a module} does not match its repository ({detail}): it was written by hand or the history changed",
		Fixes:   []fixSpec{manual("let the go command compute it from the commit", "go get {module}@<commit>")},
	},
	{
		Code: "MODULE_MAJOR_VERSION_MISMATCH", Check: "module", NoRuleOut: true,
		Match: []string{
			`module contains a go\.mod file, so module path must match major version(?: \("(?P<want>[^"]+)"\))?`,
			`should be v0 or v1, not v\d+`,
			`should be v\d+, not v\d+`,
			`should be v\S+\+incompatible`,
			`\+incompatible suffix not allowed`,
			`has (?:non-\.\.\.\S*|post-v\d+) module path "(?P<want>[^"]+)"`,
			`has (?:non-\.\.\.\S*|post-v\d+) module path`,
		},
		Subject: []string{"module"},
		Message: "the version {version|} does not fit the module path {module|}: from v2 on a module's path must end in its major version ({want|/vN})",
		Fixes:   []fixSpec{manual("require the major version under its own path", "go get {want}{want_version?@{want_version}}")},
	},
	{
		Code: "MODULE_NO_MATCHING_VERSIONS", Check: "module", NoRuleOut: true, Also: []string{"proxy"},
		Match:   []string{`no matching versions for query "(?P<query>[^"]*)"`},
		Subject: []string{"module"},
		Message: "no version of {module|the module} matches {query}: the module has no such version, or the first proxy in GOPROXY answered a stale or empty version list (a corporate mirror), which ends the search",
		Fixes: []fixSpec{
			manual("ask the origin, bypassing the proxies, which versions exist; if it lists some, the proxy first in GOPROXY is stale: fix or drop it", "GOPROXY=direct go list -m -versions {module}"),
			manual("list the versions the proxies know", "go list -m -versions {module}"),
		},
	},
	{
		Code: "MODULE_MALFORMED_PATH", Check: "module", NoRuleOut: true,
		Match: []string{
			`malformed module path "(?P<path>[^"]*)"(?:: (?P<detail>[^\n]+))?`,
			`invalid module path "?(?P<path>[^":\s]*)"?(?:: (?P<detail>[^\n]+))?`,
			`malformed module path`,
			`invalid module path`,
		},
		Subject: []string{"path", "module"},
		Message: "\"{path|the path}\" is not a valid module path{detail?: {detail}}",
		Fixes:   []fixSpec{manual("correct the path in go.mod, the import or the command (a module path starts with a host name with a dot, like example.com/repo)", "go mod edit -print")},
	},
	{
		Code: "MODULE_INVALID_VERSION", Check: "module", NoRuleOut: true,
		Match: []string{
			`invalid version: (?P<detail>[^\n]+)`,
			`version "(?P<bad>[^"]*)" invalid(?:: (?P<detail>[^\n]+))?`,
			`invalid semantic version`,
			`missing \S+/go\.mod at revision \S+`,
			`invalid module version "(?P<bad>[^"]*)"`,
		},
		Subject: []string{"module"},
		Message: "{module|a module} is required at an invalid version{at_version|}: {detail|it does not exist or is not a semantic version}",
		Fixes:   []fixSpec{manual("list the versions that exist", "go list -m -versions {module}")},
	},
	{
		Code: "MODULE_MISSING_GOSUM", Check: "module",
		Match:   []string{`missing go\.sum entry`},
		Subject: []string{"module", "pkg", "=go.sum"},
		Message: "go.sum has no checksum for {module|{pkg|a module}}: go.sum was not updated (or not committed) after go.mod changed",
		Fixes: []fixSpec{
			suggested("add it as the go command says"),
			manual("add it", "go mod download {module}{at_version|}"),
			manual("or bring go.mod and go.sum up to date", "go mod tidy"),
		},
	},
	{
		Code: "MODULE_NOT_TIDY", Check: "module", NoRuleOut: true,
		Match:   []string{`updates to go\.(?P<file>mod|sum) needed`},
		Subject: []string{"=go.mod"},
		Message: "go.{file} is not up to date with the code, and this command may not change it (-mod=readonly is the default, and the rule in CI)",
		Fixes:   []fixSpec{suggested("update it as the go command says, and commit the result"), manual("update go.mod and go.sum, and commit them", "go mod tidy")},
	},
	{
		Code: "MODULE_NO_GOMOD", Check: "module", NoRuleOut: true,
		Match: []string{
			`go\.mod file not found`,
			`cannot find main module`,
			`directory prefix \S+ does not contain main module`,
			`cannot determine module path`,
			`working directory is not part of a module`,
		},
		Subject: []string{"=go.mod"},
		Message: "the go command ran outside any module (no go.mod in this directory or above), or on packages outside the main module",
		Fixes:   []fixSpec{manual("run it in the module's directory, or create a module", "go mod init example.com/yourmodule")},
	},
	{
		Code: "MODULE_VENDOR_INCONSISTENT", Check: "module", Also: []string{"env"},
		Confirms: []string{"MODULE_VENDOR_INCONSISTENT", "GOFLAGS_MOD_VENDOR"},
		Match: []string{
			`inconsistent vendoring`,
			`vendor/modules\.txt`,
			`To sync the vendor directory`,
		},
		Subject: []string{"=vendor"},
		Message: "the build uses the vendor directory (go 1.14+ with a vendor/ directory, or -mod=vendor), and vendor/modules.txt does not match go.mod (or is missing)",
		Fixes: []fixSpec{
			manual("bring vendor/ up to date with go.mod", "go mod vendor"),
			dropFlag("mod", "if GOFLAGS sets -mod=vendor for every module, remove it"),
		},
	},
	{
		Code: "MODULE_VENDOR_MODE", Check: "module", NoRuleOut: true, Also: []string{"env"},
		Confirms: []string{"MODULE_VENDOR_MODE", "GOFLAGS_MOD_VENDOR"},
		Match: []string{
			`lookup disabled by -mod=vendor`,
			`using the vendor directory`,
			`due to -mod=vendor`,
			`disabled by -mod=vendor`,
			`without -mod=vendor`,
		},
		Subject: []string{"=vendor"},
		Message: "the command ran in vendor mode (-mod=vendor, or go 1.14+ with a vendor/ directory) and needed something the vendor directory does not have",
		Fixes: []fixSpec{
			manual("bring vendor/ up to date", "go mod tidy && go mod vendor"),
			dropFlag("mod", "if GOFLAGS sets -mod=vendor for every module, remove it"),
		},
	},
	{
		// A name that is no import path ("main.go", a bare word): the
		// argument named a file or directory that is not where the
		// command ran, and no module can provide it.
		Code: "MODULE_PACKAGE_NOT_FOUND", Check: "module", NoRuleOut: true,
		When: "notImportPath",
		Match: []string{
			`no required module provides package (?P<pkg>[^\s;:]+)`,
			`cannot find module providing package (?P<pkg>[^\s:]+)`,
		},
		Subject: []string{"pkg"},
		Message: "{pkg} is not an import path: the command named a file or directory that is not where it ran (a wrong directory, or a file that moved), so no module can provide it",
		Fixes: []fixSpec{
			manual("check the path given to the go command: name a package directory of this module (./cmd/app) or an import path; list the packages here", "go list ./..."),
		},
	},
	{
		Code: "MODULE_MISSING_REQUIREMENT", Check: "module", NoRuleOut: true,
		Match: []string{
			`no required module provides package (?P<pkg>[^\s;:]+)`,
			`no required module provides package`,
			`import lookup disabled`,
			`provides package (?P<pkg>\S+) and is replaced but not required`,
			`from implicitly required module`,
		},
		Subject: []string{"pkg", "module"},
		Message: "go.mod does not require a module that provides {pkg|an imported package}",
		Fixes: []fixSpec{
			suggested("add the requirement as the go command says"),
			manual("add the requirement", "go get {pkg}"),
			manual("or add every missing requirement", "go mod tidy"),
		},
	},
	{
		Code: "MODULE_REPLACE_INVALID", Check: "module",
		Match: []string{
			`replacement directory (?P<path>\S+) does not exist`,
			`replacement path (?P<path>\S+) inside vendor directory`,
			`replacement module without version must be directory path`,
		},
		Subject: []string{"path", "=go.mod"},
		Message: "a replace directive of go.mod points to {path|a directory} that does not exist or cannot be used",
		Fixes:   []fixSpec{manual("correct or drop the replace directive", "go mod edit -print | grep -n replace")},
	},
	{
		Code: "MODULE_PACKAGE_NOT_FOUND", Check: "module", NoRuleOut: true, Also: []string{"private"},
		Match: []string{
			`cannot find module providing package (?P<pkg>[^\s:]+)`,
			`cannot find module providing package`,
			`(?:found|@\S+) \([^)]*\), but does not contain package (?P<pkg>\S+)`,
			`does not contain package (?P<pkg>\S+)`,
		},
		Subject: []string{"pkg", "module"},
		Message: "no module provides the package {pkg|that was imported}: a typo in the import path, a package that moved, or a private module the proxy cannot see",
		Fixes: []fixSpec{
			manual("see which module, if any, provides it", "go get {pkg}"),
			addPattern("GOPRIVATE", "if {module} is private, fetch it directly from its origin"),
		},
	},
	{
		Code: "MODULE_ZIP_INVALID", Check: "module", NoRuleOut: true, Also: []string{"modcache", "proxy"}, Confirms: []string{"MODULE_ZIP_INVALID", "PROXY_ZIP_INVALID"},
		Match: []string{
			`malformed file path "(?P<path>[^"]*)"`,
			`case-insensitive file name collision`,
			`zip for \S+ has unexpected file`,
			`downloaded zip file too large`,
			`zip file contains more than one top-level directory`,
			`module source tree too large`,
		},
		Subject: []string{"module"},
		Message: "the zip of {module|the module}{at_version|} cannot be used: it holds files a module may not contain",
		Fixes:   []fixSpec{manual("use another version of the module, or ask its authors to fix it", "go list -m -versions {module}")},
	},
	{
		Code: "MODULE_GOMOD_INVALID", Check: "module",
		Match: []string{
			`errors parsing (?P<path>\S*go\.(?:mod|work))`,
			`error reading (?P<path>\S*go\.mod): (?P<detail>[^\n]+)`,
			`(?P<path>\S*go\.mod):\d+: (?P<detail>[^\n]+)`,
			`parsing (?P<path>\S*go\.mod): (?P<detail>[^\n]+)`,
		},
		Subject: []string{"path", "=go.mod"},
		Message: "{path|go.mod} cannot be read: {detail|it does not parse}",
		Fixes:   []fixSpec{manual("show where it fails to parse", "go mod edit -json >/dev/null")},
	},

	// ---------------------------------------------------------------
	// The module cache. Provisional codes of the modcache check.
	{
		Code: "MODCACHE_ZIPHASH_MISSING", Check: "modcache",
		Match:   []string{`missing ziphash(?:: open (?P<path>\S+))?`},
		Subject: []string{"module", "path"},
		Message: "the module cache holds {module|a module}{at_version|} without its .ziphash: a download was cut off or the cache was edited",
		Fixes:   []fixSpec{cacheFix("remove just that entry, then fetch it again", `chmod -R u+w "$(go env GOMODCACHE)"/cache/download/'{module_esc}'/@v && rm -f "$(go env GOMODCACHE)"/cache/download/'{module_esc}/@v/{version_esc}'.* && go mod download {module}@{version}`)},
	},
	{
		Code: "MODCACHE_DIR_MODIFIED", Check: "modcache",
		Match:   []string{`(?P<module>\S+) (?P<version>v\S+): (?:dir|zip) has been modified(?: \((?P<path>[^)]+)\))?`},
		Subject: []string{"module"},
		Message: "the extracted copy of {module}{at_version|} in the module cache was modified after download",
		Fixes:   []fixSpec{cacheFix("remove just that directory, then extract it again", `chmod -R u+w "$(go env GOMODCACHE)"/'{module_esc}@{version_esc}' && rm -rf "$(go env GOMODCACHE)"/'{module_esc}@{version_esc}' && go mod download {module}@{version}`)},
	},
	{
		// A broken zip in the module cache, named by its path.
		Code: "MODCACHE_ZIP_INVALID", Check: "modcache",
		Match:   []string{`cache/download/\S+\.zip[^\n]*(?:not a valid zip file|zip: checksum error|unexpected EOF)`},
		Subject: []string{"module", "=GOMODCACHE"},
		Message: "a zip in the module cache ({module|a module}{at_version|}) is damaged: a download was cut off or the disk is failing",
		Fixes: []fixSpec{
			cacheFix("remove just that entry, then fetch it again", `chmod -R u+w "$(go env GOMODCACHE)"/cache/download/'{module_esc}'/@v && rm -f "$(go env GOMODCACHE)"/cache/download/'{module_esc}/@v/{version_esc}'.* && go mod download {module}@{version}`),
		},
	},
	{
		// "zip: not a valid zip file" right after a download: the proxy
		// served it so (proxies have served truncated or HTML "zips"), and
		// it is for the proxy's operator to fix.
		Code: "MODULE_ZIP_INVALID", Check: "module", NoRuleOut: true, Also: []string{"modcache", "proxy"}, Confirms: []string{"MODULE_ZIP_INVALID", "PROXY_ZIP_INVALID"},
		Match:   []string{`zip: not a valid zip file`},
		Subject: []string{"module", "pkg", "=GOPROXY"},
		Message: "the zip downloaded for {module|{pkg|a module}}{at_version|} is not a valid zip: the module proxy in GOPROXY served a broken file, which its operator must fix",
		Fixes: []fixSpec{
			manual("the module proxy served a broken zip: report it to the proxy's operator; meanwhile fetch the module from its origin", "GOPROXY=direct go mod download {module}{at_version|}"),
			manual("the module proxy served a broken zip: report it to the proxy's operator, and retry later", "go env GOPROXY"),
		},
	},
	{
		Code: "MODCACHE_ZIP_INVALID", Check: "modcache",
		Match:   []string{`not a valid zip file`, `zip: checksum error`, `\.zip: unexpected EOF`},
		Subject: []string{"module", "=GOMODCACHE"},
		Message: "a zip in the module cache ({module|a module}{at_version|}) is damaged: a download was cut off or the disk is failing",
		Fixes: []fixSpec{
			cacheFix("remove just that entry, then fetch it again", `chmod -R u+w "$(go env GOMODCACHE)"/cache/download/'{module_esc}'/@v && rm -f "$(go env GOMODCACHE)"/cache/download/'{module_esc}/@v/{version_esc}'.* && go mod download {module}@{version}`),
		},
	},
	{
		Code: "MODCACHE_NOT_WRITABLE", Check: "modcache", Also: []string{"env"},
		Confirms: []string{"MODCACHE_NOT_WRITABLE", "GOMODCACHE_NOT_WRITABLE"},
		Match: []string{
			`(?P<path>\S*(?:/pkg/mod/|/cache/download/)\S*): permission denied`,
			`permission denied[^\n]*(?:/pkg/mod/|/cache/download/)`,
		},
		Subject: []string{"=GOMODCACHE"},
		Message: "the go command may not write in the module cache: files there belong to another user (a 'sudo go' once is the usual cause)",
		Fixes:   []fixSpec{manual("give the module cache back to your user", `sudo chown -R "$(id -u):$(id -g)" "$(go env GOMODCACHE)"`)},
	},
	{
		Code: "MODCACHE_LOW_SPACE", Check: "modcache",
		Match:   []string{`no space left on device`, `disk quota exceeded`},
		Subject: []string{"=GOMODCACHE"},
		Message: "the disk (or quota) holding the module cache or the build cache is full",
		Fixes: []fixSpec{
			manual("see what uses the space", `du -sh "$(go env GOMODCACHE)" "$(go env GOCACHE)"; df -h "$(go env GOMODCACHE)"`),
			cacheFix("the build cache can be cleared safely", "go clean -cache"),
		},
	},

	// ---------------------------------------------------------------
	// Fallbacks: recognised families whose precise cause the log does
	// not say.
	{
		Code: "PRIVATE_VCS_FETCH_FAILED", Check: "private", NoRuleOut: true,
		Confirms: []string{"PRIVATE_VCS_FETCH_FAILED", "PRIVATE_NO_META", "PRIVATE_ORIGIN_UNREACHABLE"},
		Match: []string{
			`git ls-remote`,
			`(?:git fetch|git clone)[^\n]*exit status`,
			`reading (?P<path>\S+) at revision (?P<rev>\S*)`,
			`If this is a private repository`,
			`Confirm the import path was entered correctly`,
			`unrecognized import path "(?P<module>[^"]+)"`,
			`no go-import meta tags?`,
		},
		Subject: []string{"module", "host"},
		Message: "fetching {module|a module} directly from its version control host failed{netcause|}",
		Fixes: []fixSpec{
			manual("retry with the go command's trace to see the git commands and their answers", "go mod download -x {module}"),
			addPattern("GOPRIVATE", "if {module} is private, make sure it is fetched directly (and credentials for its host exist)"),
		},
	},
	{
		Code: "SUMDB_LOOKUP_FAILED", Check: "sumdb", NoRuleOut: true,
		Match:   []string{`checksum mismatch`, `SECURITY ERROR`, `SECURITY WARNING`, `\bverifying\b`, `downloaded: h1:`, `: h1:\S+`},
		Subject: []string{"module", "=GOSUMDB"},
		Message: "checksum verification of {module|a module} failed",
		Fixes:   []fixSpec{manual("check that the module cache matches go.sum, then fetch again with verification on (never GOSUMDB=off)", "go mod verify")},
	},
	{
		Code: "PROXY_ERROR", Check: "proxy",
		Full: true, // the last resort: a proxy's own words are better than nothing
		Match: []string{
			`reading (?P<url>(?:https?|file)://\S+): (?P<status>[^\n]+)`,
			`Get "(?P<url>[^"]+)": (?P<detail>[^\n]+)`,
			`reading (?P<url>https?://\S+)`,
			`unexpected status \((?P<url>[^)\s]+)\): (?P<status>[^\n]+)`,
			`server response:`,
		},
		Subject: []string{"host"},
		Message: "a request to {host|the module proxy} failed: {status|{netcause|{detail|see the log}}}",
		Fixes: []fixSpec{
			manual("if it is the module proxy that fails, report it to the proxy's operator; meanwhile fetch without it", "{isproxy?GOPROXY=direct go mod download -x {module}{at_version|}}"),
			manual("retry with the go command's trace to see each request", "go mod download -x"),
		},
	},
}

// toolchainFixes upgrade the go command, the way the one that ran can.
var toolchainFixes = []fixSpec{
	manual("install Go {want_release} or later (the go command that ran is older than the module needs), and use it", "go {dlverb} golang.org/dl/go{want_release}{dlat|} && go{want_release} download"),
}

// extractors give every entry its default template variables; a rule's
// own named groups override them. For each variable the first match wins.
// URLs are matched first and removed from the text the other extractors
// see, so that the user info of a URL is never taken for module@version.
var extractors = []string{
	// The module@version the failure is about: right before the words of
	// the failure, whatever precedes it (a file position, "imports").
	`(?P<module>[a-z0-9][\w-]*\.[\w.-]+(?:/[\w.~+-]+)*)@(?P<version>[^\s:@'"()]+): (?:invalid|unknown revision|reading|verifying|missing go\.sum|parsing go\.mod|git |Get |no matching|zip: )`,
	`reading (?P<module>[a-z0-9][\w-]*\.[\w.-]+(?:/[\w.~+-]+)*)/go\.mod at revision (?P<version>[^\s:]+)`,
	`(?m)^(?:go: )?(?:\S+\.go:\d+:\d+: )?(?P<module>[^\s@:'"()]+)@(?P<version>[^\s:@'"()]+)(?:: | \()`,
	`(?m)^go (?:get|install|mod download|list -m)(?: -\S+)* (?P<module>[^\s@:]+)@(?P<version>[^\s:]+): `,
	`(?m)^(?:go (?:get|mod download) )?(?P<module>[a-z0-9][\w-]*\.[\w.-]+(?:/[\w.~+-]+)*): zip: `,
	`unknown import path "(?P<pkg>[^"]+)"`,
	`(?m)^\t(?P<module>[^\s@:'"()]+)@(?P<version>[^\s:@'"()]+): `,
	`\b(?P<module>[a-z0-9][\w-]*\.[\w.-]+(?:/[\w.~+-]+)*)@(?P<version>v[0-9][\w.+-]*[\w+])`,
	`module (?P<module>[a-z0-9][^\s:@'"()]*\.[^\s:@'"()]*)(?:@(?P<version>[^\s:]+))?:`,
	`\bpackage (?P<pkg>[a-z0-9][^\s;:()'"]*\.[^\s;:()'"]+)`,
	`lookup (?P<host>[^\s:]+)(?: on \S+)?:`,
	`dial tcp (?P<addr>[^\s]+?):? `,
	`go version go(?P<have>1\.\d+(?:\.\d+)?)`,
	`(?:to add it|to add|to update it|run|To sync the vendor directory, run):\n\t+(?P<suggest>go [^\n]+)`,
}

// urlPattern finds URLs in an entry.
const urlPattern = `(?:https?|file)://[^\s"'<>]+`

// netCauses name the network failure under a generic error, in the
// words of {netcause}. The first match wins.
var netCauses = []struct{ pattern, words string }{
	{`no such host|Could not resolve host|Name or service not known`, "its host name does not resolve (DNS)"},
	{`server misbehaving|Temporary failure in name resolution`, "the DNS server failed"},
	{`proxyconnect`, "the HTTP proxy in HTTPS_PROXY failed"},
	{`x509: certificate signed by unknown authority`, "its TLS certificate is not trusted (a TLS-intercepting proxy?)"},
	{`x509: certificate has expired`, "its TLS certificate has expired (or the clock is wrong)"},
	{`x509: certificate is valid for`, "its TLS certificate is for another host"},
	{`x509: |tls: `, "the TLS handshake failed"},
	{`connection refused|` + winRefused + `|` + zhRefused, "the connection was refused"},
	{`i/o timeout|deadline exceeded|timed out|` + winTimeout + `|` + zhTimeout, "the connection timed out"},
	{`connection reset|: EOF|unexpected EOF|` + winReset + `|` + zhReset, "the connection was dropped"},
	{`network is unreachable|no route to host`, "the network is unreachable"},
	{`401 Unauthorized`, "it answered 401 Unauthorized"},
	{`403 Forbidden`, "it answered 403 Forbidden"},
	{`404 Not Found`, "it answered 404 Not Found"},
	{`410 Gone`, "it answered 410 Gone"},
	{`5[0-9][0-9] [A-Z]`, "it answered with a server error (5xx)"},
	{`no such file or directory`, "a file:// proxy has no such file"},
}

// Operating systems' words for network failures, which the go command
// passes on as they are: Windows' (English) and their Chinese
// translations. Each matches the start of the message, which a console
// may have wrapped.
const (
	winTimeout = `A connection attempt failed because the connected party did not properly respond`
	winRefused = `No connection could be made because the target machine actively refused it`
	winReset   = `An existing connection was forcibly closed by the remote host`
	zhTimeout  = `由于连接方在一段时间后没有正确答复|连接尝试失败，因为连接方在一段时间内没有(?:正确|适当)响应`
	zhRefused  = `由于目标计算机积极拒绝，无法连接`
	zhReset    = `远程主机强迫关闭了一个现有的连接`
)

// netProxyFix offers, for a module proxy or public code host this
// network cannot reach, one it can reach.
var netProxyFix = manual("if {host|the host} is a module proxy or a public code host this network cannot reach, use a module proxy it can reach (your company's, or a public mirror), with direct as the fallback", "go env -w GOPROXY=https://proxy.corp.example,direct")

// traceLines are lines of the go command's -x trace and similar context:
// never errors, even when they show an HTTP status (a 404 from the first
// proxy is normal when the next one serves the module).
var traceLines = []string{
	`^# get `,
	`^# [^\s]+$`, // the package header 'go build' prints above compile errors
	`^\d+(?:\.\d+)?s # `,
	`^cd \S+(?:; | && )`,
	`^mkdir -p `,
	`^WORK=`,
}

// benignLines look like errors (or are go: lines) but report progress,
// warnings or the end of a failure already reported above. They are
// context, not errors, unless a rule matches them.
var benignLines = []string{
	`^go: (?:downloading|extracting|finding|found|added|upgraded|downgraded|removed|creating new go\.mod|writing|switching to|to add module requirements|to switch to|warning: )`,
	`^go: module \S+ is deprecated`,
	`^go: .*; switching to go\S+$`,
	`^FAIL\s+\S+\s+\[(?:setup|build) failed\]$`,
	`^(?:Error: )?Process completed with exit code \d+\.?$`,
	`^exit status \d+$`,
	`^make(?:\[\d+\])?: \*\*\* `,
}

// errorShapes recognise an error line that no rule explains, so that it
// is listed as unrecognised instead of dropped.
var errorShapes = []string{
	`^go: `,
	`^go (?:get|install|build|run|test|vet|list|generate|mod \w+|work \w+): `, // Go 1.16-1.17 named the command
	`^(?:[A-Za-z]:)?[^:\n]*\.go:\d+(?::\d+)?: `,                               // file positions, Windows paths with spaces too
	`^(?:build|package|cgo) \S*:? `,
	`^cgo: `,
	`^can't load package: `,
	`^unrecognized import path `,
	`^panic: `,
	`^\S+\.go:\d+(?::\d+)?: `,
	`^\S*go\.(?:mod|work|sum):\d+(?::\d+)?: `,
	`^(?:\S+: )?(?:package \S+ is not|cannot find package|can't load package|no required module|missing go\.sum|ambiguous import|build constraints exclude|no Go files in|cannot find main module|main module \(|directory \S+ (?:is )?outside)`,
	`^(?:fatal|error|panic|FATAL|ERROR)(?::|\[| )`,
	`^(?:FAIL|--- FAIL)\b`,
	`^SECURITY (?:ERROR|WARNING)`,
}

// hintLines continue the error above them even without indentation (the
// go command prints them after a blank line or unindented).
var hintLines = []string{
	`^SECURITY (?:ERROR|WARNING)$`,
	`^This download (?:does NOT match|is listed in go\.sum)`,
	`^The bits may have been replaced`,
	`^have intercepted the download attempt`,
	`^The checksum server (?:has provided|may be malfunctioning)`,
	`^not contain an entry for the download`,
	`^intercepted the checksum request`,
	`^The download cannot be verified`,
	`^For more information, see 'go help module-auth'`,
	`^go\.sum database server misbehavior detected`,
	`^Confirm the import path was entered correctly`,
	`^If this is a private repository`,
	`^go: to add module requirements and sums:`,
	`^go: to switch to the latest unretracted version`,
	`^go: ignoring package \S+ which exists in the vendor directory`,
	`^package \S+: exit status \d+$`, // GOPATH mode's go get, after git's own error
}
