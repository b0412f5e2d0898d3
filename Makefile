# gomoddoctor: build, test, bench, lint, install.
GO        ?= go
BIN       ?= bin/gomoddoctor
PKG       := ./cmd/gomoddoctor
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS   := -X main.version=$(VERSION)
BENCHTIME ?= 1x

.PHONY: all build run test bench lint fuzz install clean

all: lint test build

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) $(PKG)

# run the doctor on this machine; pass flags with ARGS, e.g. make run ARGS=--json
run: build
	./$(BIN) $(ARGS)

test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

# The module cache benchmarks build a cache of 600 module versions with
# the go command the first time (about 15s, kept in $$TMPDIR for the
# next run); BENCHTIME=10x gives steadier numbers.
# BenchmarkHangingProxy lets the go command hang for 30s: bench allows 10 minutes.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -timeout 10m ./...

# gofmt must have nothing to say; staticcheck and actionlint are pinned as
# tools in go.mod. actionlint checks the workflows, and through their
# 'uses: ./' steps the action's metadata (action.yml); the action's
# scripts are run by TestAction.
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) tool staticcheck ./...
	$(GO) tool actionlint

# run each fuzz target (package:target) for FUZZTIME (default 1m)
FUZZTIME ?= 1m
FUZZ_TARGETS := ./checks/goenv:FuzzParseProxyList ./checks/goenv:FuzzParseSumDB \
	./checks/goenv:FuzzPatternWitness ./checks/goenv:FuzzMatchingPattern ./checks/goenv:FuzzParseGOFLAGS ./checks/goenv:FuzzParseEnvFile \
	./checks/mainmod:FuzzParseGoSum ./checks/modcachex:FuzzReadZipEnd ./checks/explain:FuzzParse \
	./checks/netenv:FuzzParseNetrc ./checks/probe:FuzzProxyAnswer \
	./checks/vcs:FuzzParseMetaImports ./checks/vcs:FuzzParseGitOutput ./checks/vcs:FuzzParseGOVCS \
	./checks/mainmod:FuzzParseModulesTxt ./checks/sumdbx:FuzzAnswers ./checks/reportdiff:FuzzParse \
	./report:FuzzRenderInert
fuzz:
	@for pt in $(FUZZ_TARGETS); do \
		p=$${pt%%:*}; t=$${pt#*:}; \
		echo "== $$t ($$p)"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$p || exit 1; \
	done

install:
	$(GO) install -ldflags '$(LDFLAGS)' $(PKG)

clean:
	rm -rf bin
