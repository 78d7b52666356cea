#!/usr/bin/env bash
# Stops the lab's NSD and Unbound by the pids recorded in test/lab/run/pids.json.
# With --user ID: only drops that user, and stops when no live user remains.
set -euo pipefail
exec node "$(dirname "$0")/labctl.mjs" stop "$@"
