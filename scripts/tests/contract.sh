#!/usr/bin/env bash
# The JSON API against its OpenAPI contract: schemathesis (PyPI, in .build-ci/schemathesis; tests only), every
# check, 100 examples an operation, seed 42, on a served demo catalogue.
#   scripts/tests/contract.sh [URL]
# With URL it tests that server (.ci/run passes the one its browser tests use next); without, it builds and serves
# the CI's small demo (.build-ci/demo) on port 18099 for the run, as .ci/run does.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib/common.sh"
cd "$repo_root"
schemathesis_venv
site_under_test "$@"
.build-ci/schemathesis/bin/schemathesis --config-file scripts/tests/schemathesis.toml run "$site_url/openapi.json" --checks all --max-examples 100 --seed 42
