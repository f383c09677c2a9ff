#!/usr/bin/env bash
# Runs HooksExample.java with gradlab on the class path (the source tree after ./mvnw -B package -DskipTests,
# or an unpacked release archive): examples/library/run.sh [EPOCHS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [ -f "$root/lib/gradlab-cli.jar" ]; then
  cp="$root/lib/*"
else
  cp="$root/app-cli/target/gradlab-cli.jar:$root/app-cli/target/lib/*"
fi
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java" --add-modules jdk.incubator.vector -cp "$cp" "$here/HooksExample.java" "$@"
