#!/bin/bash
# Submits the clipstream job to the session cluster once it can run it:
#   submit-job.sh [flink run options] JAR [job arguments]   ->   flink run -d -m $FLINK_REST <the same>
# Waits until the JobManager's REST API answers and at least one TaskManager has registered, and does nothing
# when a job named $JOB_NAME is already running or restarting there (so `docker compose up` twice submits once).
# Runs in the clipstream Flink image (docker-compose.yml, service submit-job).
set -euo pipefail

rest="${FLINK_REST:-jobmanager:8081}"
job_name="${JOB_NAME:-clipstream}"          # ClipstreamJob.JOB_NAME
wait_s="${SUBMIT_WAIT_SECONDS:-300}"
flink_cli="${FLINK_CLI:-/opt/flink/bin/flink}"

if [[ $# -eq 0 ]]; then
  echo "usage: submit-job.sh [flink run options] JAR [job arguments]" >&2
  exit 2
fi

deadline=$((SECONDS + wait_s))
until overview="$(curl -fsS "http://$rest/overview" 2>/dev/null)" \
    && [[ "$overview" =~ \"taskmanagers\":([0-9]+) ]] && (( BASH_REMATCH[1] > 0 )); do
  if (( SECONDS >= deadline )); then
    echo "submit-job: no TaskManager registered at http://$rest within ${wait_s}s (see: docker compose logs taskmanager)" >&2
    exit 1
  fi
  sleep 2
done
echo "submit-job: cluster ready at $rest: $overview"

# `flink list -r` prints running and restarting jobs as "<date> : <job id> : <name> (<state>)"
if "$flink_cli" list -r -m "$rest" 2>/dev/null | grep -q " : $job_name ("; then
  echo "submit-job: a job named '$job_name' is already running on $rest; not submitting another"
  exit 0
fi

echo "submit-job: flink run -d -m $rest $*"
exec "$flink_cli" run -d -m "$rest" "$@"
