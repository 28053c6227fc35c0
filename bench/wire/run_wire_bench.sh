#!/usr/bin/env bash
# The endpoint's throughput against a static nginx and (optionally) DynamoDB
# Local, on loopback with wrk. Bounded: a few seconds per run.
#
#   bench/wire/run_wire_bench.sh build/townhall [DYNAMODB_LOCAL_PORT]
#
# Prints requests/s for: nginx serving a GetItem-sized static file; GetItem
# and ListTables on `townhall dynamodb --in-memory`; GetItem on DynamoDB Local
# when its port is given; and GetItem latency percentiles at 1 connection.
set -euo pipefail
bin=${1:?usage: run_wire_bench.sh path/to/townhall [dynamodb-local-port]}
local_port=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
duration=${DURATION:-5s}
connections=${CONNECTIONS:-16}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

printf '{"Item":{"PK":{"S":"USER#1"},"Name":{"S":"Alice"},"Mail":{"S":"alice@mail.com"}}}' >"$work/index.html"
chmod a+rx "$work" && chmod a+r "$work/index.html"  # nginx's workers may run as another user
nginx_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed "s|PORT|$nginx_port|; s|ROOT|$work|g" "$here/nginx.conf" >"$work/nginx.conf"
nginx -c "$work/nginx.conf" -p "$work" & pids+=($!)

"$bin" dynamodb --listen 127.0.0.1:0 --in-memory >"$work/townhall.out" 2>"$work/townhall.err" &
townhall_pid=$!
pids+=($townhall_pid)
for _ in $(seq 100); do grep -q listening "$work/townhall.out" && break; sleep 0.05; done
port=$(grep -o '[0-9]*$' "$work/townhall.out")

seed() {  # table "bench" with one item, through boto3
  /usr/bin/python3 - "$1" <<'PY'
import sys, boto3
c = boto3.client("dynamodb", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", region_name="us-east-1",
                 aws_access_key_id="dummy", aws_secret_access_key="dummy")
if "bench" not in c.list_tables()["TableNames"]:
    c.create_table(TableName="bench", KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
c.put_item(TableName="bench", Item={"PK": {"S": "USER#1"}, "Name": {"S": "Alice"}, "Mail": {"S": "alice@mail.com"}})
assert c.get_item(TableName="bench", Key={"PK": {"S": "USER#1"}})["Item"]["Name"]["S"] == "Alice"
PY
}
run() {  # label, url, [wrk args...]
  local label=$1 url=$2; shift 2
  local rps
  rps=$(wrk -t1 -c"$connections" -d"$duration" "$@" "$url" | awk '/Requests\/sec/ {print $2}')
  printf '%-40s %10s req/s\n' "$label" "$rps"
}

sleep 0.3
seed "$port"
run "nginx static (GET, $connections conn)" "http://127.0.0.1:$nginx_port/"
run "townhall GetItem ($connections conn)" "http://127.0.0.1:$port/" -s "$here/dynamodb.lua"
OPERATION=ListTables BODY='{}' run "townhall ListTables ($connections conn)" "http://127.0.0.1:$port/" -s "$here/dynamodb.lua"
if [[ -n "$local_port" ]]; then
  seed "$local_port"
  run "DynamoDB Local GetItem ($connections conn)" "http://127.0.0.1:$local_port/" -s "$here/dynamodb.lua"
fi
echo "townhall GetItem at 1 connection:"
wrk -t1 -c1 -d"$duration" --latency -s "$here/dynamodb.lua" "http://127.0.0.1:$port/" | grep -E '^ +(50|90|99)%|Requests/sec'
echo "townhall RSS after the runs: $(ps -o rss= -p "$townhall_pid") KiB"
