#!/usr/bin/env bash
# racestat's statistics, unit by unit (tests/unit/stats_test.c).
cd "$(dirname "$0")/.." && exec "${RACELAB_BUILD:-build}/tests/stats_test"
