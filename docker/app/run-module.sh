#!/bin/sh
# Runs one clipstream entry point: run-module.sh MODULE MAIN_CLASS [ARGS...]
# (MODULE: a folder /opt/clipstream/MODULE/lib with the module's jar and its run-time dependencies).
# JAVA_OPTS adds JVM flags, e.g. JAVA_OPTS=-Xmx512m.
set -eu

if [ $# -lt 2 ]; then
  echo "usage: run-module.sh MODULE MAIN_CLASS [ARGS...]   (modules: $(ls /opt/clipstream | grep -v -e bin -e model-store | tr '\n' ' '))" >&2
  exit 2
fi
module="$1"
main="$2"
shift 2
lib="/opt/clipstream/$module/lib"
if [ ! -d "$lib" ]; then
  echo "run-module.sh: no module '$module' in this image (no $lib)" >&2
  exit 2
fi

# the same JDK opens as the ./clipstream launcher (Kafka, JavaCPP and friends reach into JDK internals)
exec java ${JAVA_OPTS:-} \
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED \
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED \
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED \
  -cp "$lib/*" "$main" "$@"
