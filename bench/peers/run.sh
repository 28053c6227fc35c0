#!/usr/bin/env bash
# Townhall's DynamoDB endpoint side by side with its peers, in one run:
# DynamoDB Local (the jar in npm's amplify-dynamodb-simulator, Java 17,
# -inMemory), dynalite (npm, in memory) and `townhall dynamodb --in-memory`,
# with a static nginx answer as the machine's HTTP ceiling.
#
#   bench/peers/run.sh [path/to/townhall]
#
# Each peer is started fresh, timed to its first answer, seeded (seed.py) and
# driven by wrk (workload.lua) with GetItem, PutItem, UpdateItem ADD and a
# Query of 50 items, at 1, 16 and 64 connections. Two yardsticks run first:
# nginx with 2 workers serving a static file (nginx.conf), and nginx with one
# worker answering `return 200` from memory (nginx-return.conf), both with
# the GetItem answer's body. Writes bench/results/peers.md (requests/s, p50,
# p99, RSS idle and after load, time to first answer, GetItem against both
# nginx setups) and bench/results/peers.png (gnuplot).
#
# Environment: DURATION (wrk run length, default 5s), PEERS (default
# "townhall townhall-1t dynamodb-local dynalite"; townhall-1t is townhall
# with one network thread), CONNECTIONS (default "1 16 64"),
# RESULTS (default bench/results: set it for trial runs).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/bench/peers"
bin=$(realpath "${1:-$root/build/townhall}")
duration=${DURATION:-5s}
peers=${PEERS:-townhall townhall-1t dynamodb-local dynalite}
connections=${CONNECTIONS:-1 16 64}
workloads="get put add query"
results=${RESULTS:-$root/bench/results}  # a trial run can write elsewhere
work=$(mktemp -d)
pids=()

"$root/scripts/install-deps"  # wrk, gnuplot, nginx, Java, boto3 and the npm peers
[[ -x "$bin" ]] || { echo "no townhall binary at $bin (make build)" >&2; exit 1; }
mkdir -p "$results"

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_mb() { awk '{printf "%.0f", $1 / 1024}' <<<"$(ps -o rss= -p "$1")"; }
# wrk's latency figures ("123.45us", "1.20ms", "2.00s") in milliseconds.
to_ms() {
  awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) }
         else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f", v }' <<<"$1"
}

# start_peer NAME PORT: starts it in the background; sets peer_pid and first_ms.
start_peer() {
  local name=$1 port=$2 start=$EPOCHREALTIME
  case "$name" in
    townhall)
      "$bin" dynamodb --listen "127.0.0.1:$port" --in-memory >"$work/$name.log" 2>&1 &
      peer_pid=$! ;;
    townhall-1t)
      # One network thread, like the one-worker nginx: on a 2-core machine
      # that also runs wrk, the like-for-like comparison.
      "$bin" dynamodb --listen "127.0.0.1:$port" --in-memory --io-threads 1 >"$work/$name.log" 2>&1 &
      peer_pid=$! ;;
    dynamodb-local)
      (cd "$root/node_modules/amplify-dynamodb-simulator/emulator" &&
        exec java -Djava.library.path=./DynamoDBLocal_lib -jar DynamoDBLocal.jar -inMemory -port "$port") \
        >"$work/$name.log" 2>&1 &
      peer_pid=$! ;;
    dynalite)
      node "$root/node_modules/dynalite/cli.js" --port "$port" --createTableMs 0 --deleteTableMs 0 \
        --updateTableMs 0 >"$work/$name.log" 2>&1 &
      peer_pid=$! ;;
  esac
  pids+=("$peer_pid")
  first_ms=$(first_answer "$port" "$start")
}

# first_answer PORT START: milliseconds from START ($EPOCHREALTIME at launch)
# until ListTables answers 200. Polls from this shell (bash's /dev/tcp, no
# process start per attempt) so the figure is the server's, not the poller's.
first_answer() {
  local port=$1 start=$2 status deadline=$((SECONDS + 120))
  while ((SECONDS < deadline)); do
    if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
      printf 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n%s\r\n%s\r\n%s\r\n%s\r\n\r\n{}' \
        "X-Amz-Target: DynamoDB_20120810.ListTables" "Content-Length: 2" "X-Amz-Date: 20240101T000000Z" \
        "Authorization: AWS4-HMAC-SHA256 Credential=dummy/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00" >&3
      status=""
      read -r -t 5 status <&3 || true
      exec 3<&-
      if [[ $status == *" 200 "* ]]; then
        awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }'
        return
      fi
    fi
    sleep 0.002
  done
  echo "no answer" >&2
  return 1
}

# drive LABEL URL CONNECTIONS [wrk args]: one wrk run; sets rps p50 p99.
drive() {
  local url=$1 conns=$2 out
  shift 2
  out=$(wrk -t1 -c"$conns" -d"$duration" --latency "$@" "$url")
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  if grep -q "Non-2xx" <<<"$out"; then
    echo "  warning: $(grep Non-2xx <<<"$out")" >&2
  fi
}

table="$work/table.md"
data="$work/peers.dat"
echo "| server | workload | conns | requests/s | p50 ms | p99 ms |" >"$table"
echo "| --- | --- | ---: | ---: | ---: | ---: |" >>"$table"
summary="$work/summary.md"
echo "| server | first answer ms | RSS idle MB | RSS after load MB |" >"$summary"
echo "| --- | ---: | ---: | ---: |" >>"$summary"
echo "# server get put add query" >"$data"  # requests/s at the highest connection count

# The yardsticks: a GetItem answer's bytes from nginx, as a static file (2
# workers) and from memory (`return 200`, 1 worker).
printf '{"Item":{"PK":{"S":"USER#1"},"SK":{"S":"PROFILE"},"Name":{"S":"Alice"}}}' >"$work/index.html"
chmod a+rx "$work" && chmod a+r "$work/index.html"  # nginx's workers may run as another user
declare -A nginx_rps=()
for setup in "static:nginx.conf:nginx, 2 workers, static file" "return:nginx-return.conf:nginx, 1 worker, return 200"; do
  IFS=: read -r key conf label <<<"$setup"
  nginx_port=$(free_port)
  sed "s|PORT|$nginx_port|; s|ROOT|$work|g" "$here/$conf" >"$work/$conf"
  nginx -c "$work/$conf" -p "$work" &
  nginx_pid=$!
  pids+=($nginx_pid)
  sleep 0.3
  curl -sf "http://127.0.0.1:$nginx_port/" >/dev/null || { echo "nginx ($conf) does not answer" >&2; cat "$work"/error*.log >&2; exit 1; }
  for c in $connections; do
    drive "http://127.0.0.1:$nginx_port/" "$c"
    echo "| $label | GET | $c | $rps | $p50 | $p99 |" >>"$table"
    echo "$label, $c conn: $rps/s p50 $p50 ms p99 $p99 ms"
    nginx_rps[$key,$c]=$rps
  done
  kill "$nginx_pid" 2>/dev/null || true
  wait "$nginx_pid" 2>/dev/null || true
done
ratios="$work/ratios.md"
echo "| server | conns | GetItem / nginx static (2 workers) | GetItem / nginx return 200 (1 worker) |" >"$ratios"
echo "| --- | ---: | ---: | ---: |" >>"$ratios"

for peer in $peers; do
  port=$(free_port)
  start_peer "$peer" "$port"
  url="http://127.0.0.1:$port/"
  sleep 0.5
  idle=$(rss_mb "$peer_pid")
  /usr/bin/python3 "$here/seed.py" "$url" || { echo "seeding $peer failed" >&2; cat "$work/$peer.log" >&2; exit 1; }
  echo "$peer: first answer after $first_ms ms, idle RSS $idle MB"
  declare -A top=()
  for w in $workloads; do
    for c in $connections; do
      WORKLOAD=$w drive "$url" "$c" -s "$here/workload.lua"
      echo "| $peer | $w | $c | $rps | $p50 | $p99 |" >>"$table"
      echo "  $w, $c conn: $rps/s p50 $p50 ms p99 $p99 ms"
      top[$w]=$rps
      if [[ $w == get ]]; then
        echo "| $peer | $c | $(awk -v a="$rps" -v b="${nginx_rps[static,$c]}" 'BEGIN { printf "%.0f%%", 100 * a / b }') | $(awk -v a="$rps" -v b="${nginx_rps[return,$c]}" 'BEGIN { printf "%.0f%%", 100 * a / b }') |" >>"$ratios"
      fi
    done
  done
  echo "$peer ${top[get]} ${top[put]} ${top[add]} ${top[query]}" >>"$data"
  echo "| $peer | $first_ms | $idle | $(rss_mb "$peer_pid") |" >>"$summary"
  kill "$peer_pid" 2>/dev/null || true
  wait "$peer_pid" 2>/dev/null || true
  unset top
done

last_conns=${connections##* }
{
  echo "# Townhall and its peers ($(date -u +%Y-%m-%d), $(nproc) cores, wrk -t1 -d$duration)"
  echo
  echo "Generated by \`bench/peers/run.sh\`; every server on loopback, in memory, started fresh."
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  cat "$summary"
  echo
  cat "$table"
  echo
  cat "$ratios"
  echo
  echo "![requests/s at $last_conns connections](peers.png)"
} >"$results/peers.md"
cp "$data" "$results/peers.dat"

gnuplot <<EOF
set terminal pngcairo size 900,500 noenhanced font "sans,10"
set output "$results/peers.png"
set title "DynamoDB endpoints on loopback: requests/s at $last_conns connections (log scale)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set yrange [100:*]
set ylabel "requests/s"
set key top right
set grid ytics
plot "$data" using 2:xtic(1) title "GetItem", "" using 3 title "PutItem", "" using 4 title "UpdateItem ADD", "" using 5 title "Query 50"
EOF
echo "wrote $results/peers.md and $results/peers.png"
