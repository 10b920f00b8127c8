#!/usr/bin/env bash
# Vendor the browser UIs (YASGUI for /sparql, GraphiQL for /graphql, Swagger UI for /docs, ReDoc
# for /redoc) into oos_kg/static/ from npm, and axe-core (the accessibility checker the browser
# tests inject; never served) into tests/ui/vendor/.
#
# Run by hand when bumping a version, then commit the result; nothing runs this at build or run
# time (users sit on closed networks, so the package carries its assets). Needs node's `npm`.
# Each tarball is fetched at an exact version and checked against the sha512 integrity pinned
# below (the registry's `dist.integrity`), so a re-run gives byte-identical assets; the script
# ends by writing oos_kg/static/SHA256SUMS, which tests/ui checks.
#
# Only the minified browser builds are kept (no source maps). The licence of every package in
# each UI's production dependency tree (what its bundle may contain) is gathered into
# THIRD-PARTY-LICENSES.txt beside the bundle; that tree is resolved by `npm install` at vendoring
# time, so it may name a slightly newer patch release of a dependency than the bundle holds.
#
# Usage: tools/vendor_ui.sh            (from anywhere; writes into the repository it lives in)
set -euo pipefail

YASGUI_VERSION=4.6.2
YASGUI_INTEGRITY=sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrXCLwR+GU+0xMzLw8Mjw6BkSZV2vUuQw==
GRAPHIQL_VERSION=3.9.0
GRAPHIQL_INTEGRITY=sha512-rJYFlHdBbug9+YbFSwRVvgfPjCayC7wHecZkx/qB4XLuQPFQZw/yB9pmHFtOJV6RiNBBHro3u1GdocKa3YcGRA==
REACT_VERSION=18.3.1
REACT_INTEGRITY=sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ==
REACT_DOM_INTEGRITY=sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw==
SWAGGER_UI_VERSION=5.36.0
SWAGGER_UI_INTEGRITY=sha512-Lt6/Kb0gXmLdiabLhvso4VdJP9V7qJWB0zh0gzeXUV3+CMOTzMmvpJRSXN7EAjfwixwmoi9ezDbLHiexC7lA9A==
# ReDoc 2: its 3.x standalone bundle sends telemetry to a Redocly host, which a closed network
# (and the pages' content policy) would refuse.
REDOC_VERSION=2.5.2
REDOC_INTEGRITY=sha512-sTJfItvRkcDTojB6wdLN4M+Ua6mlZwElV21Tf8Mn7IbQF/1Os6GvgQpZyLWPGZZHbhy7GC1Or1hTMHfz1vKh5A==
AXE_VERSION=4.14.1
AXE_INTEGRITY=sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STATIC="$ROOT/oos_kg/static"
TESTVENDOR="$ROOT/tests/ui/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# fetch NAME VERSION INTEGRITY: npm pack one tarball, check its sha512, unpack to $WORK/NAME.
fetch() {
    local name="$1" version="$2" integrity="$3" tgz got
    tgz="$(cd "$WORK" && npm pack --silent "$name@$version")"
    got="sha512-$(openssl dgst -sha512 -binary "$WORK/$tgz" | base64 -w0)"
    if [[ "$got" != "$integrity" ]]; then
        echo "integrity mismatch for $name@$version: $got" >&2
        exit 1
    fi
    mkdir -p "$WORK/$name"
    tar -xzf "$WORK/$tgz" -C "$WORK/$name" --strip-components=1
}

# licences TARGET SPEC...: install SPEC (production tree only, no scripts) and write the
# licence text of every installed package into TARGET.
licences() {
    local target="$1" dir
    shift
    dir="$(mktemp -d -p "$WORK")"
    (cd "$dir" && npm install --silent --omit=dev --ignore-scripts --no-audit --no-fund \
        --no-package-lock "$@" >/dev/null)
    node - "$dir/node_modules" >"$target" <<'EOF'
const fs = require("fs");
const path = require("path");
const top = process.argv[2];
const dirs = [];
for (const entry of fs.readdirSync(top).sort()) {
    if (entry.startsWith(".")) continue;
    if (entry.startsWith("@")) {
        for (const sub of fs.readdirSync(path.join(top, entry)).sort()) {
            dirs.push(path.join(top, entry, sub));
        }
    } else {
        dirs.push(path.join(top, entry));
    }
}
const out = ["Licences of the packages in this UI's production dependency tree (npm).", ""];
for (const dir of dirs) {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    const licence = typeof meta.license === "string" ? meta.license : JSON.stringify(meta.license);
    out.push("=".repeat(78), `${meta.name}@${meta.version}  (licence: ${licence})`, "=".repeat(78));
    const files = fs.readdirSync(dir).filter((f) => /^(licen[cs]e|copying|notice)/i.test(f)).sort();
    if (files.length === 0) out.push("(the package ships no licence file)");
    for (const f of files) out.push(fs.readFileSync(path.join(dir, f), "utf8").trimEnd());
    out.push("");
}
process.stdout.write(out.join("\n") + "\n");
EOF
}

fetch @zazuko/yasgui "$YASGUI_VERSION" "$YASGUI_INTEGRITY"
fetch graphiql "$GRAPHIQL_VERSION" "$GRAPHIQL_INTEGRITY"
fetch react "$REACT_VERSION" "$REACT_INTEGRITY"
fetch react-dom "$REACT_VERSION" "$REACT_DOM_INTEGRITY"
fetch swagger-ui-dist "$SWAGGER_UI_VERSION" "$SWAGGER_UI_INTEGRITY"
fetch redoc "$REDOC_VERSION" "$REDOC_INTEGRITY"
fetch axe-core "$AXE_VERSION" "$AXE_INTEGRITY"

rm -rf "$STATIC/yasgui" "$STATIC/graphiql" "$STATIC/swagger-ui" "$STATIC/redoc" "$TESTVENDOR"
mkdir -p "$STATIC/yasgui" "$STATIC/graphiql" "$STATIC/swagger-ui" "$STATIC/redoc" "$TESTVENDOR"

Y="$WORK/@zazuko/yasgui"
cp "$Y/build/yasgui.min.js" "$Y/build/yasgui.min.css" "$STATIC/yasgui/"
# The npm package ships no licence file; its package.json declares MIT.
cat >"$STATIC/yasgui/LICENSE" <<EOF
@zazuko/yasgui $YASGUI_VERSION (yasgui.min.js, yasgui.min.css)

The npm package ships no licence file. Its package.json declares the licence "MIT", names
Triply <info@triply.cc> as author and Zazuko GmbH as contributor, and its repository's README
says: "This is a fork from Zazuko from software written by Triply. This code is released under
the MIT license." The MIT licence text follows; the copyright holders are Triply and Zazuko GmbH.

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF
licences "$STATIC/yasgui/THIRD-PARTY-LICENSES.txt" "@zazuko/yasgui@$YASGUI_VERSION"

G="$WORK/graphiql"
cp "$G/graphiql.min.js" "$G/graphiql.min.css" "$STATIC/graphiql/"
cp "$G/LICENSE" "$STATIC/graphiql/LICENSE"
cp "$WORK/react/umd/react.production.min.js" "$STATIC/graphiql/"
cp "$WORK/react-dom/umd/react-dom.production.min.js" "$STATIC/graphiql/"
cp "$WORK/react/LICENSE" "$STATIC/graphiql/LICENSE.react"
cp "$WORK/react-dom/LICENSE" "$STATIC/graphiql/LICENSE.react-dom"
licences "$STATIC/graphiql/THIRD-PARTY-LICENSES.txt" "graphiql@$GRAPHIQL_VERSION" \
    "react@$REACT_VERSION" "react-dom@$REACT_VERSION"

S="$WORK/swagger-ui-dist"
cp "$S/swagger-ui-bundle.js" "$S/swagger-ui.css" "$S/LICENSE" "$S/NOTICE" "$STATIC/swagger-ui/"
cp "$S/swagger-ui-bundle.js.LICENSE.txt" "$STATIC/swagger-ui/THIRD-PARTY-LICENSES.txt"

R="$WORK/redoc"
cp "$R/bundles/redoc.standalone.js" "$R/LICENSE" "$STATIC/redoc/"
cp "$R/bundles/redoc.standalone.js.LICENSE.txt" "$STATIC/redoc/THIRD-PARTY-LICENSES.txt"

A="$WORK/axe-core"
cp "$A/axe.min.js" "$A/LICENSE" "$A/LICENSE-3RD-PARTY.txt" "$TESTVENDOR/"

# Checksums of the vendored bundles, checked by tests/ui (a hand edit shows up there).
(cd "$STATIC" && sha256sum yasgui/*.min.* graphiql/*.min.* swagger-ui/swagger-ui* \
    redoc/redoc.standalone.js >SHA256SUMS)
(cd "$TESTVENDOR" && sha256sum axe.min.js >SHA256SUMS)

# Addresses in the bundles, for review: most are RDF namespace IRIs and documentation links;
# anything fetched at run time must be switched off in oos_kg/ui.py's page configuration.
echo "http(s) addresses in the vendored bundles (review; none may be fetched at run time):"
grep -ohE 'https?://[A-Za-z0-9.-]+' "$STATIC"/yasgui/*.min.* "$STATIC"/graphiql/*.min.* \
    "$STATIC"/swagger-ui/swagger-ui-bundle.js "$STATIC"/redoc/redoc.standalone.js \
    | sort | uniq -c | sort -rn | head -n 40
du -sh "$STATIC/yasgui" "$STATIC/graphiql" "$STATIC/swagger-ui" "$STATIC/redoc" "$TESTVENDOR"
