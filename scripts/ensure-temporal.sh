#!/usr/bin/env bash
# Prints the path of a usable `temporal` CLI, building the pinned version when none is found.
# Order: $TEMPORAL_BIN, the project's git-ignored .tools/bin, the per-user build cache (so a fresh
# clone on the same machine reuses an earlier build), PATH, then `go install` into that cache.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version=v1.5.1
tools="$root/.tools/bin"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/switchboard/temporal-$version"

link() {
  mkdir -p "$tools"
  ln -sf "$1" "$tools/temporal"
  echo "$tools/temporal"
}

if [ -n "${TEMPORAL_BIN:-}" ] && [ -x "$TEMPORAL_BIN" ]; then echo "$TEMPORAL_BIN"; exit 0; fi
if [ -x "$tools/temporal" ]; then echo "$tools/temporal"; exit 0; fi
if [ -x "$cache/temporal" ]; then link "$cache/temporal"; exit 0; fi
if command -v temporal >/dev/null 2>&1; then command -v temporal; exit 0; fi

go=$(command -v go || true)
if [ -z "$go" ] && [ -x /usr/local/go/bin/go ]; then go=/usr/local/go/bin/go; fi
if [ -z "$go" ]; then
  cat >&2 <<MSG
No 'temporal' binary was found and Go is not installed to build one.
Install either:
  - the Temporal CLI: https://docs.temporal.io/cli#install (then put 'temporal' on PATH), or
  - Go 1.22+ (https://go.dev/dl/), and rerun this command; it builds temporal $version.
Or point TEMPORAL_BIN at an existing binary.
MSG
  exit 1
fi
mkdir -p "$cache"
echo "Building temporal $version (one time, a few minutes)..." >&2
# Later tags carry a replace directive that `go install` refuses; v1.5.1 is the newest that builds.
GOBIN="$cache" CGO_ENABLED=0 "$go" install "github.com/temporalio/cli/cmd/temporal@$version" >&2
link "$cache/temporal"
