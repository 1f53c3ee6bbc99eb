#!/bin/sh
# The image's entrypoint: bin/fovea without the build. serve runs C1 only, as bin/fovea serve does
# (docs/benchmarks.md, "Warm-up"); FOVEA_SERVE_JAVA_OPTS replaces that default (empty: the JDK's).
set -eu
SERVE_OPTS=""
if [ "${1:-}" = "serve" ]; then
  SERVE_OPTS="${FOVEA_SERVE_JAVA_OPTS--XX:TieredStopAtLevel=1}"
fi
# shellcheck disable=SC2086
exec java ${SERVE_OPTS} -Dfovea.home=/opt/fovea -jar /opt/fovea/fovea-cli.jar "$@"
