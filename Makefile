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

bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...

# gofmt must have nothing to say; staticcheck is pinned as a tool in go.mod.
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) tool staticcheck ./...

# run each fuzz target for FUZZTIME (default 1m)
FUZZTIME ?= 1m
fuzz:
	@for t in FuzzParseProxyList FuzzParseSumDB FuzzPatternWitness FuzzParseGOFLAGS FuzzParseEnvFile; do \
		echo "== $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) ./checks/goenv || exit 1; \
	done
	@echo "== FuzzParse"; $(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./checks/explain

install:
	$(GO) install -ldflags '$(LDFLAGS)' $(PKG)

clean:
	rm -rf bin
