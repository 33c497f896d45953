# The index of the project's tasks: `make` (or `make help`) lists them. Each target only runs its command or script;
# what a task does, and which of them CI runs, is in scripts/README.md and at the top of each script.
#   make TASK [ARGS="…"]    ARGS go to the task's script; its environment variables (DURATION=5 …) pass through.

.DEFAULT_GOAL := help
ARGS ?=

.PHONY: help test demo ci check-imports check-architecture fuzz contract browser example deploy-test \
	bench-pipeline bench-serve bench-deploy bench-crawl bench-wrmf bench-warp bench-quality bench-implicit-settings bench-cnn-peer bench-visual bench-for-you bench-events

help: ## list the tasks
	@echo 'make TASK [ARGS="…"]   (ARGS go to the script; its environment variables pass through)'
	@awk -F ':.*## ' '/^[a-z][a-z-]*:.*## / { printf "  %-19s %s\n", $$1, $$2 }' $(firstword $(MAKEFILE_LIST))

test: ## the README's test command: the Swift Testing suites under Tests/ (CI)
	swift test --disable-xctest

demo: ## the README's demo: generate a demo catalogue, import, train, serve on :8080
	swift run -c release recasketch demo $(ARGS)

ci: ## everything CI runs, in its order (.ci/run)
	.ci/run

check-imports: ## every module a target imports is declared in Package.swift (CI)
	python3 scripts/check-imports.py

check-architecture: ## docs/architecture.md's targets and graph match Package.swift, ARGS=--write redraws the graph (CI)
	python3 scripts/check-architecture.py $(ARGS)

fuzz: ## libFuzzer + AddressSanitizer on the parsers and decoders, ARGS="[SECONDS] [TARGET…]" (CI: 30 s each)
	scripts/fuzz.sh $(ARGS)

contract: ## schemathesis on the JSON API against its OpenAPI contract, ARGS=[URL] (CI)
	scripts/tests/contract.sh $(ARGS)

browser: ## the explorer in headless Chromium, with axe-core, ARGS=[URL] (CI)
	scripts/tests/browser.sh $(ARGS)

example: ## the README's "Compare your own model": implicit's ALS imported and checked on page, API and /evaluation, ARGS="[BIN DB]" (CI)
	scripts/tests/example.sh $(ARGS)

deploy-test: ## deploy/'s nginx and units with two instances, under load, ARGS="[BIN DB THUMBNAILS]" (CI)
	scripts/tests/deploy.sh $(ARGS)

bench-pipeline: ## generate, import and train at Sketchfab scale; page throughput with wrk, ARGS=[DIR]
	scripts/bench/pipeline.sh $(ARGS)

bench-serve: ## serve vs nginx on the same pages at Sketchfab scale; a retrain under load
	scripts/bench/serve.sh $(ARGS)

bench-deploy: ## model pages through nginx as shipped, and nginx as a bare proxy, vs one instance
	scripts/bench/deploy.sh $(ARGS)

bench-crawl: ## crawl throughput against the fake Sketchfab; kill -9 and resume; pages during the refresh job
	scripts/bench/crawl.sh $(ARGS)

bench-wrmf: ## WRMF vs implicit's ALS on the same splits (needs .peers/), ARGS=[DIR]
	scripts/bench/wrmf.sh $(ARGS)

bench-warp: ## WARP with and without tags vs LightFM, 3 seeds (needs .peers/ and bench-wrmf's splits), ARGS=[DIR]
	scripts/bench/warp.sh $(ARGS)

bench-quality: ## every algorithm, tuned per catalogue, vs implicit, LightFM, Spark, EASE, BM25, cornac; 3 datasets × 3 seeds (needs .peers/), ARGS=[DIR]
	scripts/bench/quality.sh $(ARGS)

bench-implicit-settings: ## WRMF at implicit's settings vs implicit's ALS on quality.sh's splits, 6 initialisation seeds, ARGS=[DIR]
	scripts/bench/implicit-settings.sh $(ARGS)

bench-events: ## visitor events through nginx: per-client limit, events/s, pages while 2,000 events/s arrive, SIGTERM/SIGKILL
	scripts/bench/events.sh

bench-cnn-peer: ## the same CNN in ONNX Runtime (needs .peers/ with onnx, onnxruntime, pillow), ARGS="--images DIR …"
	.peers/bin/python scripts/bench/cnn-peer.py $(or $(ARGS),--images bench-data/catalog/thumbnails)

bench-visual: ## JPEG decoding, CNN ms/image, top-20 cosine (recasketch bench-visual), ARGS="--images DIR …"
	swift run -c release recasketch bench-visual $(or $(ARGS),--images bench-data/catalog/thumbnails)

bench-for-you: ## "For you": WRMF fold-in of 1, 5, 20 likes, p50/p99 ms (recasketch bench-for-you), ARGS="--db PATH …"
	swift run -c release recasketch bench-for-you $(or $(ARGS),--db bench-data/recasketch.sqlite)
