#!/usr/bin/env bash
# Starts a standalone Apache Spark cluster on 127.0.0.1 (one master, one worker) from the jars of the
# sweep-spark module, runs a small sweep on it with `gradlab sweep --engine spark`, checks the gathered
# table, and stops the cluster again. No Spark distribution is needed: the master and the worker run from
# sweep-spark/target/lib (Spark from Maven Central), which also serves as the worker's SPARK_HOME/jars.
#
#   scripts/spark-standalone-sweep.sh [SWEEP]     # default examples/sweeps/depth-small.yaml
#
# Environment: SPARK_MASTER_PORT (default 7077), WORKER_CORES (default: the number of cores),
# KEEP=1 keeps the work folder (logs, sweep folder) for inspection, JAVA_HOME as for bin/gradlab.
# Builds the project first when its jars are missing.
set -euo pipefail

root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sweep="${1:-$root/examples/sweeps/depth-small.yaml}"
port="${SPARK_MASTER_PORT:-7077}"
cores="${WORKER_CORES:-$(nproc)}"
master_url="spark://127.0.0.1:$port"

if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then java_cmd="$JAVA_HOME/bin/java"; else java_cmd="$(command -v java)"; fi

if [ ! -f "$root/sweep-spark/target/gradlab-sweep-spark.jar" ] || [ ! -d "$root/sweep-spark/target/lib" ] \
    || [ ! -f "$root/app-cli/target/gradlab-cli.jar" ]; then
  echo "building gradlab and its Spark module (mvn package -DskipTests) ..."
  (cd "$root" && ./mvnw -B -q package -DskipTests -pl app-cli,sweep-spark -am)
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/gradlab-spark-XXXXXX")"
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do
    kill "$pid" 2> /dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2> /dev/null || true
  done
  if [ "${KEEP:-0}" = 1 ] || [ "$status" -ne 0 ]; then
    echo "work folder kept: $work (master.log, worker.log, sweep/)"
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT INT TERM

# a SPARK_HOME for the worker: jars/ (the worker starts executors with SPARK_HOME/jars/* on their class path)
# and conf/ (on every Spark JVM's class path: the logging configuration)
spark_home="$work/spark-home"
mkdir -p "$spark_home/conf"
ln -s "$root/sweep-spark/target/lib" "$spark_home/jars"
cat > "$spark_home/conf/logback.xml" <<'XML'
<configuration>
  <statusListener class="ch.qos.logback.core.status.NopStatusListener"/>
  <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%d{HH:mm:ss} %-5level %logger{30} - %msg%n</pattern></encoder>
  </appender>
  <logger name="org.apache.spark.deploy" level="INFO"/>
  <logger name="org.apache.hadoop.util.NativeCodeLoader" level="ERROR"/>
  <root level="WARN"><appender-ref ref="STDERR"/></root>
</configuration>
XML

# the JVM options Spark needs on Java 17+ (Spark's own launcher list, as in bin/gradlab and sweep-spark/pom.xml)
spark_opts=(-XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true -Dio.netty.allocator.type=pooled
  -Dio.netty.handler.ssl.defaultEndpointVerificationAlgorithm=NONE)
cp="$spark_home/conf:$spark_home/jars/*"
export SPARK_HOME="$spark_home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 SPARK_LOG_DIR="$work"
# one BLAS thread per trial, so that the worker's cores each run one trial
export OPENBLAS_NUM_THREADS=1

wait_for() { # wait_for FILE PATTERN SECONDS WHAT
  local i
  for ((i = 0; i < $3 * 2; i++)); do
    if grep -q "$2" "$1" 2> /dev/null; then return 0; fi
    sleep 0.5
  done
  echo "spark-standalone-sweep: $4 did not come up in $3 s; its log:" >&2
  tail -n 40 "$1" >&2
  return 1
}

echo "starting a Spark master at $master_url"
"$java_cmd" "${spark_opts[@]}" -Xmx512m -cp "$cp" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$port" --webui-port 0 > "$work/master.log" 2>&1 &
pids+=($!)
wait_for "$work/master.log" "I have been elected leader" 120 "the master"

echo "starting a Spark worker with $cores core(s)"
"$java_cmd" "${spark_opts[@]}" -Xmx512m -cp "$cp" org.apache.spark.deploy.worker.Worker "$master_url" \
  --host 127.0.0.1 --cores "$cores" --memory 3g --work-dir "$work/worker" --webui-port 0 > "$work/worker.log" 2>&1 &
pids+=($!)
wait_for "$work/worker.log" "Successfully registered with master" 120 "the worker"

echo "submitting $sweep"
out="$work/sweep"
"$root/bin/gradlab" sweep "$sweep" --engine spark --master "$master_url" --out "$out"

# the gathered table: one row per trial, every trial completed, each with its run folder
csv="$out/results.csv"
trials=$(($(wc -l < "$csv") - 1))
completed=$(tail -n +2 "$csv" | grep -c ',completed,' || true)
echo "results.csv: $trials trial(s), $completed completed"
if [ "$trials" -lt 1 ] || [ "$completed" -ne "$trials" ]; then
  echo "spark-standalone-sweep: not every trial completed:" >&2
  cat "$csv" >&2
  exit 1
fi
runs=$(find "$out/trials" -name summary.json | wc -l)
if [ "$runs" -ne "$trials" ]; then
  echo "spark-standalone-sweep: expected $trials run folders with a summary.json under $out/trials, found $runs" >&2
  exit 1
fi
if ! grep -q "app-" "$work/worker.log"; then
  echo "spark-standalone-sweep: the worker log shows no application: did the sweep really run on the cluster?" >&2
  exit 1
fi
echo "spark-standalone-sweep: ok ($trials trials on $master_url)"
