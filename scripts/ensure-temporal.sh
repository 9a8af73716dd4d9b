#!/usr/bin/env bash
# Prints the path of a usable `temporal` CLI, building the pinned version when none is found.
# Order: $TEMPORAL_BIN, the project's git-ignored .tools/bin, PATH, then `go install`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version=v1.5.1
tools="$root/.tools/bin"

if [ -n "${TEMPORAL_BIN:-}" ] && [ -x "$TEMPORAL_BIN" ]; then echo "$TEMPORAL_BIN"; exit 0; fi
if [ -x "$tools/temporal" ]; then echo "$tools/temporal"; exit 0; fi
if command -v temporal >/dev/null 2>&1; then command -v temporal; exit 0; fi

go=$(command -v go || true)
[ -z "$go" ] && [ -x /usr/local/go/bin/go ] && go=/usr/local/go/bin/go
if [ -z "$go" ]; then
  cat >&2 <<MSG
No 'temporal' binary was found and Go is not installed to build one.
Install either:
  - the Temporal CLI: https://docs.temporal.io/cli#install (then put 'temporal' on PATH), or
  - Go 1.22+ (https://go.dev/dl/), and rerun this command; it builds temporal $version into .tools/bin.
MSG
  exit 1
fi
mkdir -p "$tools"
echo "Building temporal $version into $tools (one time, a few minutes)..." >&2
# Later tags carry a replace directive that `go install` refuses; v1.5.1 is the newest that builds.
GOBIN="$tools" CGO_ENABLED=0 "$go" install "github.com/temporalio/cli/cmd/temporal@$version" >&2
echo "$tools/temporal"
