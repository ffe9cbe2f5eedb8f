#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the tests, on 127.0.0.1 and a free port,
# in a temporary directory; print the line that points the tests at it. As root
# (CI), the server runs as the postgres user (initdb refuses root); installs
# Debian's postgresql package when no server binaries are found.
# Stop it with: npm run pg:stop (or pg_ctl -D "$PLLM_PG_DIR/data" stop).
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "pg:start: no PostgreSQL server found; install it (Debian: apt-get install postgresql)." >&2
    exit 1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
dir=${PLLM_PG_DIR:-/tmp/pllm-pg}
if [ -f "$dir/url" ] && "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
  echo "export PARALLELLM_PG_URL=$(cat "$dir/url")"
  exit 0
fi
rm -rf "$dir" && mkdir -p "$dir"
as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  as_owner=(runuser -u postgres --)
fi
port=$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
"${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
# Throwaway test data: durability off for speed; enough connections for the many-worker tests.
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off -c max_connections=200" start >/dev/null
echo "postgres://postgres@127.0.0.1:$port/postgres" >"$dir/url"
echo "export PARALLELLM_PG_URL=$(cat "$dir/url")"
