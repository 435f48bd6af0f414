#!/usr/bin/env bash
# A whole pipeline at a large scale through the CLI, the way a user runs it, with each layer's wall
# time and peak memory (Node's from /usr/bin/time; the Spark executor's and the Connect server's
# resident size sampled every 5 s into <input>/memory.log). The embedded stack must be up.
#
#   bash bench/large-run.sh l [input folder]     (default /tmp/lake-<scale>; generated once, reused)
#   bash bench/large-run.sh 2g                   one server log file of about 2 GB, alone: the scale l
#                                                log files and the first again, concatenated (from
#                                                /tmp/lake-l, or generated for it)
#
# It uses its own lake root (hdfs:///lake-<scale>) and Kafka topic (lake-<scale>); remove the root
# afterwards with `curl -X DELETE "http://127.0.0.1:9870/webhdfs/v1/lake-<scale>?op=DELETE&recursive=true&user.name=lake"`.
set -euo pipefail
scale=${1:?scale: s, m, l or 2g}
input=${2:-/tmp/lake-$scale}
cd "$(dirname "$0")/.."
export LAKE_ROOT=hdfs://127.0.0.1:8020/lake-$scale LAKE_INPUT=$input LAKE_KAFKA_TOPIC=lake-$scale
# As many events as records a source at that scale (control/sample: scales).
case $scale in s) events=100000 ;; m) events=1000000 ;; l) events=10000000 ;; 2g) events=0 ;; *) echo "scale: s, m, l or 2g" >&2; exit 2 ;; esac

if [ "$scale" = 2g ] && [ ! -f "$input/.generated" ]; then
  logs=/tmp/lake-l/server_logs
  if [ ! -d "$logs" ]; then
    npx tsx control/cli/main.ts generate --scale l --out "$input/scale-l" --force
    logs=$input/scale-l/server_logs
  fi
  mkdir -p "$input/server_logs"
  cat "$logs"/*.log "$logs/access-2024-05-01.log" > "$input/server_logs/access-big.log"
  touch "$input/.generated"
elif [ ! -f "$input/.generated" ]; then
  /usr/bin/time -f "generate: %e s, Node at most %M KB" npx tsx control/cli/main.ts generate --scale "$scale" --out "$input" --force
  /usr/bin/time -f "produce $events events: %e s, Node at most %M KB" npx tsx control/cli/main.ts produce --count "$events" --seed 1 --now 2026-12-01T00:00:00Z
  touch "$input/.generated"
fi

( while true; do
    echo "$(date -u +%T) $(ps -eo rss,args | awk '/CoarseGrainedExecutorBackend/ && !/awk/ {printf "executor %d MiB ", $1/1024} /SparkConnectServer/ && !/awk/ {printf "connect %d MiB ", $1/1024}')"
    sleep 5
  done ) > "$input/memory.log" &
sampler=$!
trap 'kill $sampler' EXIT
for layer in bronze silver gold; do
  /usr/bin/time -f "$layer: %e s, Node at most %M KB" npx tsx control/cli/main.ts job "$layer"
done
echo "peak executor / Connect server resident size: $(awk '{for (i = 1; i <= NF; i++) if ($i == "executor") e = ($(i+1) > e ? $(i+1) : e); else if ($i == "connect") c = ($(i+1) > c ? $(i+1) : c)} END {print e " / " c " MiB"}' "$input/memory.log")"
