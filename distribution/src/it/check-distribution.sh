#!/usr/bin/env bash
# The distribution module's checks, run by `mvn verify` (integration-test phase; skipped with -DskipTests):
#   1. the release archive: unpack gradlab-VERSION.tar.gz into a temporary folder outside the source tree,
#      check that the .zip holds the same files, then from another working directory run
#      `bin/gradlab --version` and a two-epoch demo, and check the run folder's summary.json;
#   2. the plugin archetype: generate a project from it, build it (its tests run the test kit's contract)
#      with a temporary local repository holding this build's gradlab artifacts (never ~/.m2: third-party
#      artifacts come from the build's own local repository, used as a file:// mirror, so nothing is
#      downloaded), drop the jar into the unpacked archive's plugins/ and check that `gradlab plugins`
#      lists its activation from the jar and `gradlab gradcheck` passes it;
#   3. the archetype's project template is examples/plugin-example's sources (plugin-archetype/sync-from-example.sh).
# Environment (set by distribution/pom.xml): GRADLAB_VERSION, ARCHIVE_DIR (the module's target folder),
# IT_REPOSITORY (this build's gradlab artifacts in repository layout), LOCAL_REPOSITORY, MAVEN_HOME,
# ARCHETYPE_PLUGIN_VERSION, GRADLAB_API_VERSION, BUILD_JAVA_HOME (the JDK running the build, which the archive and
# the nested Maven runs use too). KEEP_TMP=1 keeps the temporary folder.
set -euo pipefail

: "${GRADLAB_VERSION:?}" "${ARCHIVE_DIR:?}" "${IT_REPOSITORY:?}" "${LOCAL_REPOSITORY:?}" "${MAVEN_HOME:?}"
: "${ARCHETYPE_PLUGIN_VERSION:?}" "${GRADLAB_API_VERSION:?}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gradlab-dist-check.XXXXXX")
if [[ "${KEEP_TMP:-0}" == 1 ]]; then
    trap 'echo "check-distribution.sh: kept $tmp"' EXIT
else
    trap 'rm -rf "$tmp"' EXIT
fi
# the archive must use its own folder, whatever the calling shell has set; everything runs on the build's JDK
unset GRADLAB_HOME GRADLAB_CLASSPATH MAVEN_ARGS
if [[ -n "${BUILD_JAVA_HOME:-}" && -x "$BUILD_JAVA_HOME/bin/java" ]]; then
    export JAVA_HOME="$BUILD_JAVA_HOME"
    export PATH="$JAVA_HOME/bin:$PATH"
fi

source_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
started=$SECONDS
step() { printf '[check-distribution] %3ds %s\n' "$((SECONDS - started))" "$*"; }
fail() { printf '[check-distribution] FAILED: %s\n' "$*" >&2; exit 1; }
run_logged() { # name, command...: runs the command with its output in $tmp/logs/name, shown on failure
    local name=$1 status=0
    shift
    # a hung step fails the check instead of the whole CI job (10 minutes: each step takes seconds)
    timeout 600 "$@" >"$tmp/logs/$name.out" 2>"$tmp/logs/$name.err" || status=$?
    if [[ $status != 0 ]]; then
        cat "$tmp/logs/$name.out" "$tmp/logs/$name.err" >&2
        fail "$name exited with $status: $*"
    fi
}
mkdir -p "$tmp/logs" "$tmp/work"

# ---- 1. the release archive ----------------------------------------------------------------------------
name="gradlab-$GRADLAB_VERSION"
tarball="$ARCHIVE_DIR/$name.tar.gz"
zipball="$ARCHIVE_DIR/$name.zip"
[[ -f "$tarball" && -f "$zipball" ]] || fail "the build did not produce $tarball and $zipball"

step "unpacking $name.tar.gz into $tmp"
tar -xzf "$tarball" -C "$tmp"
home="$tmp/$name"
for path in bin/gradlab lib/gradlab-cli.jar plugins examples/demo.yaml docs README.md \
        licenses/THIRD-PARTY.txt licenses/fashion-mnist-subset-LICENSE.txt; do
    [[ -e "$home/$path" ]] || fail "the archive has no $name/$path"
done
[[ -x "$home/bin/gradlab" ]] || fail "bin/gradlab is not executable in the archive"
[[ -z "$(ls -A "$home/plugins")" ]] || fail "plugins/ is not empty in the archive"
for jar in api plugin-testkit engine plugins-activations plugins-remedies plugins-recurrent plugins-conv plugins-diagnostics; do
    compgen -G "$home/lib/gradlab-$jar-*.jar" >/dev/null || fail "lib/ has no gradlab-$jar jar"
done
grep -q 'MIT' "$home/licenses/fashion-mnist-subset-LICENSE.txt" || fail "the FashionMNIST notice names no MIT licence"
grep -qi 'guice' "$home/licenses/THIRD-PARTY.txt" || fail "THIRD-PARTY.txt does not list Guice"

# the zip holds the same files (jar lists a zip with the JDK alone)
(cd "$tmp" && find "$name" -type f | LC_ALL=C sort) >"$tmp/tar.list"
(cd "$tmp" && jar tf "$zipball" | grep -v '/$' | LC_ALL=C sort) >"$tmp/zip.list"
diff -u "$tmp/tar.list" "$tmp/zip.list" >&2 || fail "$name.zip and $name.tar.gz hold different files"

step "bin/gradlab --version (from $tmp/work)"
cd "$tmp/work"
run_logged version "$home/bin/gradlab" --version
cat "$tmp/logs/version.out"
grep -q "plugin API $GRADLAB_API_VERSION" "$tmp/logs/version.out" || fail "--version does not say plugin API $GRADLAB_API_VERSION"

step "bin/gradlab run $name/examples/demo.yaml --epochs 2 (from $tmp/work)"
run_logged demo "$home/bin/gradlab" run "$home/examples/demo.yaml" --epochs 2
tail -n 3 "$tmp/logs/demo.out"
summary=$(find "$tmp/work/runs" -name summary.json 2>/dev/null | head -n 1)
[[ -n "$summary" ]] || fail "the demo wrote no runs/*/summary.json in its working directory"
grep -Eq '"status" *: *"completed"' "$summary" || { cat "$summary" >&2; fail "the demo run did not complete"; }
[[ $(grep -c . "$(dirname "$summary")/metrics.jsonl") == 2 ]] || fail "the demo did not record two epochs"

# ---- 2. the plugin archetype ---------------------------------------------------------------------------
step "a local repository with this build's gradlab artifacts: $tmp/m2"
mkdir -p "$tmp/m2"
cp -R "$IT_REPOSITORY/." "$tmp/m2/"
bom_version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$tmp/m2/io/gradlab/gradlab-bom/$GRADLAB_VERSION/gradlab-bom-$GRADLAB_VERSION.pom" | head -n 1)
[[ "$bom_version" == "$GRADLAB_VERSION" ]] || fail "gradlab-bom's version '$bom_version' is not the build's $GRADLAB_VERSION (bom/pom.xml)"
cat >"$tmp/settings.xml" <<SETTINGS
<settings>
  <mirrors>
    <mirror><id>build-local-repository</id><mirrorOf>*</mirrorOf><url>file://$LOCAL_REPOSITORY</url></mirror>
  </mirrors>
</settings>
SETTINGS
# short-lived JVMs: the client compiler alone and the serial collector start and finish sooner (Maven and the test fork)
export MAVEN_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
mvn=("$MAVEN_HOME/bin/mvn" -B -ntp -s "$tmp/settings.xml" "-Dmaven.repo.local=$tmp/m2")

step "mvn archetype:generate -DarchetypeArtifactId=gradlab-plugin-archetype -DarchetypeVersion=$GRADLAB_VERSION"
mkdir -p "$tmp/generated"
cd "$tmp/generated"
run_logged generate "${mvn[@]}" "org.apache.maven.plugins:maven-archetype-plugin:$ARCHETYPE_PLUGIN_VERSION:generate" \
    -DinteractiveMode=false -DarchetypeGroupId=io.gradlab -DarchetypeArtifactId=gradlab-plugin-archetype \
    "-DarchetypeVersion=$GRADLAB_VERSION" -DgroupId=org.acme -DartifactId=acme-activation -Dversion=1.0.0 \
    -Dpackage=org.acme.gradlab
project="$tmp/generated/acme-activation"
for path in pom.xml README.md spec.yaml src/main/java/org/acme/gradlab/ExamplePlugin.java \
        src/main/resources/META-INF/services/io.gradlab.api.GradlabPlugin src/test/java/org/acme/gradlab/BentIdentityTest.java; do
    [[ -f "$project/$path" ]] || fail "the generated project has no $path"
done
grep -qx 'org.acme.gradlab.ExamplePlugin' "$project/src/main/resources/META-INF/services/io.gradlab.api.GradlabPlugin" \
    || fail "the generated service entry does not name org.acme.gradlab.ExamplePlugin"

step "mvn package in the generated project (its tests implement the test kit's ActivationContract)"
cd "$project"
run_logged package "${mvn[@]}" package "-DargLine=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
grep -E 'Tests run: [0-9]+, Failures: 0, Errors: 0' "$tmp/logs/package.out" | tail -n 1
grep -Eq 'Tests run: [1-9][0-9]*, Failures: 0, Errors: 0' "$tmp/logs/package.out" || fail "the generated project ran no tests"
pluginjar="$project/target/acme-activation-1.0.0.jar"
[[ -f "$pluginjar" ]] || fail "the generated project did not build $pluginjar"
if jar tf "$pluginjar" | grep -q '^io/gradlab/'; then
    fail "the generated plugin jar bundles gradlab classes; the API must stay 'provided'"
fi
cp "$pluginjar" "$home/plugins/"

step "bin/gradlab plugins --kind activation, with the jar in plugins/"
cd "$tmp/work"
run_logged plugins "$home/bin/gradlab" plugins --kind activation
[[ ! -s "$tmp/logs/plugins.err" ]] || { cat "$tmp/logs/plugins.err" >&2; fail "gradlab plugins printed warnings"; }
grep -Eq '^  bent-identity +[^ ]+ +jar acme-activation-1\.0\.0\.jar ' "$tmp/logs/plugins.out" \
    || { cat "$tmp/logs/plugins.out" >&2; fail "bent-identity is not listed as an activation from acme-activation-1.0.0.jar"; }

step "bin/gradlab gradcheck --id bent-identity"
run_logged gradcheck "$home/bin/gradlab" gradcheck --id bent-identity
grep -Eq '^  activation +bent-identity +jar acme-activation-1\.0\.0\.jar +[0-9]+ +[0-9.e+-]+ +PASS$' "$tmp/logs/gradcheck.out" \
    || { cat "$tmp/logs/gradcheck.out" >&2; fail "bent-identity from the generated plugin did not PASS the gradient check"; }

# ---- 3. the archetype's sources are examples/plugin-example's -----------------------------------------------
step "plugin-archetype/sync-from-example.sh --check"
"$source_root/plugin-archetype/sync-from-example.sh" --check \
    || fail "the archetype's project template differs from examples/plugin-example: run plugin-archetype/sync-from-example.sh"

step "OK: the archive runs from $tmp; a plugin generated from the archetype builds, loads and passes gradcheck"
