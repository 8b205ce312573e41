#!/usr/bin/env bash
# The harness's pure parts, unit by unit (tests/unit/harness_test.c).
cd "$(dirname "$0")/.." && exec "${RACELAB_BUILD:-build}/tests/harness_test"
