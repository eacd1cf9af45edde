#!/usr/bin/env bash
# Install Java for the Spark tests (Debian's openjdk-17-jre-headless) unless a Java 17+
# is already there. Idempotent. The last line printed is the export to eval, e.g.:
#   eval "$(bash .ci/java.sh | tail -n 1)"
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

java_major() {
    # `java -version` prints e.g. 'openjdk version "17.0.15" 2025-04-15' on stderr.
    "$1" -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

java_bin="$(command -v java || true)"
major="$( [ -n "$java_bin" ] && java_major "$java_bin" || true)"
if [ "${major:-0}" -lt 17 ]; then
    as_root apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >&2
    java_bin=/usr/lib/jvm/java-17-openjdk-amd64/bin/java
    [ -x "$java_bin" ] || java_bin="$(ls /usr/lib/jvm/java-17-openjdk-*/bin/java | head -n 1)"
fi

java_home="$(dirname "$(dirname "$(readlink -f "$java_bin")")")"
echo "java $(java_major "$java_bin") at $java_home" >&2
echo "export JAVA_HOME=$java_home"
