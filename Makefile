GO      ?= go
FUZZTIME ?= 5s
PKGS    := ./...

.PHONY: all setup test unit fuzz demo bench bench-batch lint

all: test

## setup: make sure Chromium, Xvfb and redis-server are installed (apt-get as root, else a clear message)
setup:
	@./scripts/setup.sh

## test: vet, the whole suite with -race (real Chromium included), and a short fuzz pass
test: setup
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout 30m $(PKGS)
	@./scripts/no-leftovers.sh
	$(MAKE) --no-print-directory fuzz

## fuzz: a short run of every fuzz target (FUZZTIME each; no minimising: a failing input is kept as found).
## Go's fuzzer sometimes ends a run at FUZZTIME with "context deadline exceeded" and no input: that is not a finding
fuzz:
	@set -e; for spec in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs grep -ho '^func Fuzz[A-Za-z0-9_]*' /dev/null | sort -u | sed 's/^func //'); do \
	  dir=$$(grep -rl --include='*_test.go' "^func $$spec(" . | head -1 | xargs dirname); \
	  echo "fuzz $$dir $$spec ($(FUZZTIME))"; \
	  rc=0; out=$$($(GO) test -run='^$$' -fuzz="^$$spec$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=0 $$dir 2>&1) || rc=$$?; \
	  echo "$$out"; \
	  if [ $$rc -ne 0 ]; then \
	    if echo "$$out" | grep -q 'context deadline exceeded' && ! echo "$$out" | grep -q 'Failing input written'; then \
	      echo "fuzz $$spec: the fuzzer's own deadline error as FUZZTIME ended, no failing input: not a finding"; \
	    else exit $$rc; fi; \
	  fi; \
	done

## demo: the main job on the embedded test site
demo: setup
	$(GO) run ./cmd/smartretry demo

## bench: engine and snapshot micro-benchmarks, then the e2e latency and click-overhead benchmarks
## (10 rounds each: one round of the late-element benchmark lasts as long as its delay)
bench: setup
	$(GO) test -run='^$$' -bench=. -benchmem ./retry/... ./snapshot/...
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=10x ./e2e/

## bench-batch: 200 product pages through the runner, a go-rod loop and Playwright (playwright-core
## from npm with the system Chromium: nothing downloads a browser), at concurrency 1 and 4, pages/s
bench-batch: setup
	cd bench/playwright && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --silent
	$(GO) test -run='^$$' -bench=Batch -benchtime=1x -count=3 ./bench/

## lint: formatting and vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needs:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
