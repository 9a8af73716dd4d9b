#!/usr/bin/env bash
# Prints the TABLE of src/campaign/country-zones.ts (one country a line) from tzdata's zone.tab.
set -euo pipefail
grep -v '^#' /usr/share/zoneinfo/zone.tab |
  awk -F'\t' '{ z[$1] = z[$1] " " $3 } END { for (c in z) print c z[c] }' | sort
