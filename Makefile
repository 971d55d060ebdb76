# The two set-up commands: `make demo` (the main job) and `make test` (every test).
.PHONY: demo test test-scaffold build release bench bench-airflow bench-peers deps

demo:            ## install, start PostgreSQL, build, run shopstream_daily on the bundled snapshot, serve the dashboard
	bash scripts/demo.sh

test:            ## install, start PostgreSQL, build, run every test (Swift, CLI end to end, browser)
	bash scripts/test.sh

test-scaffold:   ## `orch init`'s package built as a user would (cold: about 18 minutes on 2 cores; not in `make test`)
	bash scripts/test-scaffold.sh

deps:
	bash scripts/install-deps.sh

build:
	swift build

release:         ## orch and the repository's bundles, release, the Swift runtime linked in (scripts/lib/bundles.sh)
	bash -c 'source scripts/lib/bundles.sh && swift build "$${ORCH_RELEASE[@]}" --product orch && build_repo_bundles "$${ORCH_RELEASE[@]}"'

bench:           ## every benchmark in bench/, one table
	bash bench/run-all.sh

bench-airflow:   ## the side-by-side with Apache Airflow 3
	bash bench/run-all.sh --airflow

bench-peers:     ## orch against Prefect, Dagster, Luigi, Airflow and the machine's floors: bench/out/peers.md (ARGS="--scale small --repeats 1")
	python3 bench/peers/run.py $(ARGS)
