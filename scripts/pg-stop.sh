#!/usr/bin/env bash
# Stop the server scripts/pg-start.sh started, and remove its directory.
set -euo pipefail
dir=${PLLM_PG_DIR:-/tmp/pllm-pg}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -n "$bin" ] && [ -d "$dir/data" ]; then
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true
  else "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true; fi
fi
rm -rf "$dir"
