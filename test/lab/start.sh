#!/usr/bin/env bash
# Builds the lab zones and starts NSD + Unbound on 127.77.0.0/16 (or reuses a
# running lab). Then: source test/lab/run/lab.env. Stop with test/lab/stop.sh.
# Options: --restart (rebuild even if running), --user ID (see labctl.mjs).
set -euo pipefail
exec node "$(dirname "$0")/labctl.mjs" start "$@" >/dev/null
