#!/usr/bin/env bash
# Refresh the vendored front-end from npm: GOV.UK Frontend compiled with the gazette's theme
# (frontend/gazette.scss), the Be Vietnam Pro font, pdf.js. The site never loads anything from a
# CDN (it must work on an intranet): the built files are committed under
# gazette_app/static/vendor with their licences. Needs node and npm; run after changing
# frontend/package.json (exact versions) or frontend/*.scss, then commit the result.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/gazette_app/static/vendor"
work=$(mktemp -d "${TMPDIR:-/tmp}/gazette-frontend.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$root/frontend/package.json" "$work/"
[ -f "$root/frontend/package-lock.json" ] && cp "$root/frontend/package-lock.json" "$work/"
(cd "$work" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error)
cp "$work/package-lock.json" "$root/frontend/package-lock.json"
modules="$work/node_modules"

rm -rf "$out" && mkdir -p "$out/govuk" "$out/fonts" "$out/pdfjs"
"$modules/.bin/sass" --no-source-map --style=compressed --quiet-deps --load-path="$modules" \
  "$root/frontend/gazette.scss" "$out/gazette.css"
# The npm package states "MIT" (package.json, README "Licence") but ships no licence file:
# the MIT text with GDS's copyright line is written beside the compiled CSS.
version=$(node -p 'require(process.argv[1]).version' "$modules/govuk-frontend/package.json")
sed "s/@VERSION@/$version/" "$root/frontend/LICENSE-govuk-frontend.txt" > "$out/govuk/LICENSE.txt"
for subset in vietnamese latin; do
  for weight in 400 700; do
    cp "$modules/@fontsource/be-vietnam-pro/files/be-vietnam-pro-$subset-$weight-normal.woff2" "$out/fonts/"
  done
done
cp "$modules/@fontsource/be-vietnam-pro/LICENSE" "$out/fonts/LICENSE-OFL.txt"
cp "$modules/pdfjs-dist/build/pdf.min.mjs" "$modules/pdfjs-dist/build/pdf.worker.min.mjs" "$out/pdfjs/"
cp "$modules/pdfjs-dist/LICENSE" "$out/pdfjs/LICENSE.txt"
node -e '
const lock = require(process.argv[1]).packages;
const names = ["govuk-frontend", "@fontsource/be-vietnam-pro", "pdfjs-dist", "sass"];
console.log(names.map(n => `${n} ${lock["node_modules/" + n].version}`).join("\n"));
' "$root/frontend/package-lock.json" > "$out/VERSIONS.txt"
echo "vendored into $out:"; cat "$out/VERSIONS.txt"
