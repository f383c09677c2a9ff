#!/usr/bin/env bash
# End-to-end check of the example plugin, as a plugin author would do it:
#   1. install the gradlab API and plugin test kit into a temporary local Maven repository,
#   2. build the example plugin against them (its own tests run the test kit's contract) and check
#      that its manifest's Gradlab-Api-Version has the major version the gradlab command speaks,
#   3. copy the jar into a temporary plugins folder,
#   4. check that `gradlab plugins` lists bent-identity from that jar, that `gradlab gradcheck`
#      passes it, and that `gradlab run` trains spec.yaml with it for one epoch.
# Needs Maven Central (a fresh local repository is filled from it), so it is not part of the unit
# tests. Usage: examples/plugin-example/verify.sh   (KEEP_TMP=1 keeps the temporary folder)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gradlab-plugin-example.XXXXXX")
if [[ "${KEEP_TMP:-0}" == 1 ]]; then
    trap 'echo "verify.sh: kept $tmp"' EXIT
else
    trap 'rm -rf "$tmp"' EXIT
fi
m2="$tmp/m2"
plugins="$tmp/plugins"
out="$tmp/out"
mkdir -p "$plugins" "$out"

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'verify.sh: FAILED: %s\n' "$*" >&2; exit 1; }

cd "$root"
mvn=("$root/mvnw" -B -q "-Dmaven.repo.local=$m2")

step "installing gradlab-api and gradlab-plugin-testkit into $m2"
"${mvn[@]}" -pl api,plugin-testkit -am install -DskipTests

step "building the gradlab command (app-cli/target/gradlab-cli.jar and lib/)"
"${mvn[@]}" -pl app-cli -am package -DskipTests

step "building the example plugin (its tests run the test kit's ActivationContract)"
"${mvn[@]}" -f examples/plugin-example/pom.xml package
pluginjar="examples/plugin-example/target/gradlab-bent-identity-1.0.0.jar"
[[ -f "$pluginjar" ]] || fail "the build did not produce $pluginjar"
if jar tf "$pluginjar" | grep -q 'io/gradlab/'; then
    fail "$pluginjar bundles gradlab classes; the API must stay 'provided'"
fi
(cd "$tmp" && jar xf "$root/$pluginjar" META-INF/MANIFEST.MF)
declared=$(tr -d '\r' <"$tmp/META-INF/MANIFEST.MF" | sed -n 's/^Gradlab-Api-Version: *//p')
host=$(bin/gradlab --version | sed -n 's/^plugin API //p')
[[ -n "$declared" && "${declared%%.*}" == "${host%%.*}" ]] \
    || fail "$pluginjar says Gradlab-Api-Version '$declared' but the gradlab command speaks plugin API $host"
echo "the jar is built for gradlab API $declared; the command speaks $host"
cp "$pluginjar" "$plugins/"

step "bin/gradlab --plugins-dir $plugins plugins --kind activation"
bin/gradlab --plugins-dir "$plugins" plugins --kind activation >"$out/plugins.txt" 2>"$out/plugins.err" \
    || { cat "$out/plugins.txt" "$out/plugins.err"; fail "gradlab plugins exited with $?"; }
cat "$out/plugins.txt"
[[ ! -s "$out/plugins.err" ]] || { cat "$out/plugins.err"; fail "gradlab plugins printed warnings"; }
grep -Eq '^  bent-identity +[^ ]+ +jar gradlab-bent-identity-1\.0\.0\.jar ' "$out/plugins.txt" \
    || fail "bent-identity is not listed as an activation from gradlab-bent-identity-1.0.0.jar"

step "bin/gradlab --plugins-dir $plugins gradcheck --id bent-identity"
status=0
bin/gradlab --plugins-dir "$plugins" gradcheck --id bent-identity >"$out/gradcheck.txt" || status=$?
cat "$out/gradcheck.txt"
[[ $status == 0 ]] || fail "gradlab gradcheck exited with $status"
grep -Eq '^  activation +bent-identity +jar gradlab-bent-identity-1\.0\.0\.jar +[0-9]+ +[0-9.e+-]+ +PASS$' "$out/gradcheck.txt" \
    || fail "bent-identity did not PASS the gradient check"

step "bin/gradlab --plugins-dir $plugins run examples/plugin-example/spec.yaml --epochs 1 --out $tmp/runs"
status=0
bin/gradlab --plugins-dir "$plugins" run examples/plugin-example/spec.yaml --epochs 1 --out "$tmp/runs" >"$out/run.txt" || status=$?
cat "$out/run.txt"
[[ $status == 0 ]] || fail "gradlab run exited with $status"
summary=$(find "$tmp/runs" -name summary.json | head -n 1)
[[ -n "$summary" ]] || fail "the run wrote no summary.json under $tmp/runs"
grep -Eq '"status" *: *"completed"' "$summary" || { cat "$summary"; fail "the run did not complete"; }
grep -q 'bent-identity' "$(dirname "$summary")/spec.resolved.yaml" || fail "the resolved spec does not use bent-identity"

printf '\nverify.sh: OK: the example plugin builds, is listed, passes its gradient check and trains\n'
