#!/usr/bin/env bash
# Screenshots a gradlab HTML report in headless Chromium, to check that every chart renders in a
# real browser. The page loads nothing from the network (the flags also keep Chromium itself quiet).
#
#   scripts/screenshot-report.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]
#
# Needs chromium (apt-get install -y chromium). Default output: REPORT.png, window 1400x3000.
set -euo pipefail
if [[ $# -lt 1 ]]; then
  echo "usage: $0 REPORT.html [OUT.png] [WIDTHxHEIGHT]" >&2
  exit 2
fi
html=$(realpath "$1")
out=${2:-${html%.html}.png}
size=${3:-1400x3000}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [[ -z "$browser" ]]; then
  echo "no chromium found: apt-get install -y chromium" >&2
  exit 3
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --hide-scrollbars --user-data-dir="$profile" \
  --screenshot="$(realpath -m "$out")" --window-size="${size/x/,}" "file://$html" 2>/dev/null
echo "$out"
