#!/usr/bin/env bash
# Starts the Temporal dev server with the Web UI, a SQLite file under .data/ and the project's
# search attributes registered. Extra arguments go to `temporal server start-dev`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$("$root/scripts/ensure-temporal.sh")
mkdir -p "$root/.data"
attrs=()
while IFS= read -r line; do [ -n "$line" ] && attrs+=(--search-attribute "$line"); done <"$root/scripts/search-attributes.txt"
exec "$bin" server start-dev \
  --ip 127.0.0.1 --port "${TEMPORAL_PORT:-7233}" --ui-port "${TEMPORAL_UI_PORT:-8233}" \
  --db-filename "$root/.data/temporal.sqlite" --log-level warn \
  "${attrs[@]}" "$@"
