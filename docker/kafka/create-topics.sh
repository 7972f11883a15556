#!/bin/bash
# Creates the pipeline's topics on $BOOTSTRAP, each given as NAME:PARTITIONS[:CONFIG=VALUE,...];
# existing topics are left as they are (--if-not-exists), so running it again is harmless.
# Runs in the apache/kafka image (docker-compose.yml, service create-topics).
set -euo pipefail

bootstrap="${BOOTSTRAP:-kafka:9092}"
topics_cli="${KAFKA_TOPICS_CLI:-/opt/kafka/bin/kafka-topics.sh}"

if [[ $# -eq 0 ]]; then
  echo "usage: create-topics.sh NAME:PARTITIONS[:CONFIG=VALUE,...]..." >&2
  exit 2
fi

for spec in "$@"; do
  IFS=':' read -r name partitions configs <<<"$spec"
  if [[ -z "$name" || ! "$partitions" =~ ^[0-9]+$ ]]; then
    echo "create-topics: bad topic spec '$spec' (want NAME:PARTITIONS[:CONFIG=VALUE,...])" >&2
    exit 2
  fi
  args=(--bootstrap-server "$bootstrap" --create --if-not-exists --topic "$name"
        --partitions "$partitions" --replication-factor 1)
  if [[ -n "$configs" ]]; then
    IFS=',' read -r -a pairs <<<"$configs"
    for pair in "${pairs[@]}"; do
      args+=(--config "$pair")
    done
  fi
  "$topics_cli" "${args[@]}"
  echo "create-topics: $name ready ($partitions partitions${configs:+, $configs})"
done

