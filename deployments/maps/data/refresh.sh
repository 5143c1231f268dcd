#!/bin/sh
# Refreshes the vendored country shapes from the world-atlas package on the
# npm registry (Natural Earth's public-domain 1:110m countries as TopoJSON,
# ISC licence), with its licence. Run from anywhere; needs npm and tar.
set -eu
version="${1:-2.0.2}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "world-atlas@$version" >/dev/null && tar xzf world-atlas-*.tgz)
cp "$work/package/countries-110m.json" "$here/countries-110m.json"
cp "$work/package/LICENSE" "$here/LICENSE-world-atlas"
echo "world-atlas@$version: countries-110m.json and its licence refreshed"
