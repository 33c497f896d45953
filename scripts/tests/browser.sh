#!/usr/bin/env bash
# The explorer in a real browser: browser-tests/explorer_test.py drives headless Chromium (Debian's `chromium` and
# `chromium-driver`; CHROMIUM and CHROMEDRIVER point at others) through selenium, with axe-core for accessibility
# (selenium and axe-selenium-python from PyPI, in .build-ci/browser; tests only). Screenshots at 1280 px and 390 px
# go to .build-ci/screenshots (git-ignored).
#   scripts/tests/browser.sh [URL]
# With URL it tests that server (.ci/run passes the one the contract test used); without, it builds and serves the
# CI's small demo (.build-ci/demo) on port 18099 for the run, as .ci/run does.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/../lib/common.sh"
cd "$repo_root"
require_tool "${CHROMIUM:-chromium}" chromium
require_tool "${CHROMEDRIVER:-chromedriver}" chromium-driver
browser=.build-ci/browser
[ -x "$browser/bin/python" ] && "$browser/bin/python" -c "import selenium, axe_selenium_python" 2>/dev/null \
    || { python3 -m venv "$browser" && "$browser/bin/pip" install --quiet selenium axe-selenium-python; }
site_under_test "$@"
"$browser/bin/python" browser-tests/explorer_test.py --url "$site_url" --screenshots .build-ci/screenshots
