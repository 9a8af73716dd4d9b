#!/usr/bin/env bash
# Prints the path of a usable `versitygw` (the S3-compatible server the recording tests store
# objects in), building the pinned version when none is found. Order: $VERSITYGW_BIN, the
# project's git-ignored .tools/bin, the per-user build cache, then `go install` into that cache.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version=v1.8.0
tools="$root/.tools/bin"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/switchboard/versitygw-$version"

link() {
  mkdir -p "$tools"
  ln -sf "$1" "$tools/versitygw"
  echo "$tools/versitygw"
}

if [ -n "${VERSITYGW_BIN:-}" ] && [ -x "$VERSITYGW_BIN" ]; then echo "$VERSITYGW_BIN"; exit 0; fi
if [ -x "$tools/versitygw" ]; then echo "$tools/versitygw"; exit 0; fi
if [ -x "$cache/versitygw" ]; then link "$cache/versitygw"; exit 0; fi

go=$(command -v go || true)
if [ -z "$go" ] && [ -x /usr/local/go/bin/go ]; then go=/usr/local/go/bin/go; fi
if [ -z "$go" ]; then
  cat >&2 <<MSG
No 'versitygw' binary was found and Go is not installed to build one.
Install Go 1.22+ (https://go.dev/dl/) and rerun this command (it builds versitygw $version),
or point VERSITYGW_BIN at an existing binary.
MSG
  exit 1
fi
mkdir -p "$cache"
echo "Building versitygw $version (one time, about a minute)..." >&2
GOBIN="$cache" CGO_ENABLED=0 "$go" install "github.com/versity/versitygw/cmd/versitygw@$version" >&2
link "$cache/versitygw"
