#!/usr/bin/env bash
# Copies examples/plugin-example's sources into the archetype's project template, with the example's package
# (com.example.gradlab) replaced by the archetype's ${package}: the example stays the one place where the
# current plugin form is written down, and the archetype generates the same project.
#   plugin-archetype/sync-from-example.sh           rewrite the template's sources from the example
#   plugin-archetype/sync-from-example.sh --check   exit 1 (and show the difference) if they are out of sync
# The template's pom.xml and README.md are the archetype's own (the example's pom names its own coordinates).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
example="${EXAMPLE_DIR:-$here/../examples/plugin-example}"   # EXAMPLE_DIR: another copy of the example
template="$here/src/main/resources/archetype-resources"
files=(
    src/main/java/com/example/gradlab/BentIdentity.java:src/main/java/BentIdentity.java
    src/main/java/com/example/gradlab/ExamplePlugin.java:src/main/java/ExamplePlugin.java
    src/test/java/com/example/gradlab/BentIdentityTest.java:src/test/java/BentIdentityTest.java
    src/main/resources/META-INF/services/io.gradlab.api.GradlabPlugin:src/main/resources/META-INF/services/io.gradlab.api.GradlabPlugin
    spec.yaml:spec.yaml
)

render() { # the example's file, as the archetype's template of it
    sed -e 's/^package com\.example\.gradlab;/package ${package};/' -e 's/^com\.example\.gradlab\./${package}./' "$1"
}

status=0
for pair in "${files[@]}"; do
    from="$example/${pair%%:*}"
    to="$template/${pair#*:}"
    if [[ "${1:-}" == --check ]]; then
        if ! diff -u "$to" <(render "$from") >&2; then
            echo "sync-from-example.sh: ${pair#*:} differs from examples/plugin-example/${pair%%:*}" >&2
            status=1
        fi
    else
        mkdir -p "$(dirname "$to")"
        render "$from" > "$to"
    fi
done
if [[ $status != 0 ]]; then
    echo "sync-from-example.sh: run plugin-archetype/sync-from-example.sh to update the archetype" >&2
fi
exit $status
