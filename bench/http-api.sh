#!/usr/bin/env bash
# Issue 10's HTTP API clause: durable submission of 1 KiB JSON messages over keep-alive connections.
#
#   bench/http-api.sh [--secs S (default 15)] [--conns C (default 32)] [--threads T (default 2)] [--port P (default 2945)]
#
# Starts `tern run --config` (this checkout's jar, as ./tern runs it) with a fresh data dir in a temp dir, web on
# 127.0.0.1:P, SMTP on P+1, no other listener; adds an API key with a rate high enough never to limit; runs wrk
# for S seconds with a Lua script POSTing the same 1 KiB JSON message (to bench@localhost, so each is also
# delivered to a Maildir). Reports msgs/s (201 answers) and the server's CPU (utime+stime from /proc/PID/stat)
# per message over the wrk run. Only loopback; bounded in time; only the server this script started is signalled.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
SECS=15; CONNS=32; THREADS=2; PORT=2945
while [ $# -gt 0 ]; do
  case "$1" in
    --secs) SECS=$2; shift 2;; --conns) CONNS=$2; shift 2;; --threads) THREADS=$2; shift 2;; --port) PORT=$2; shift 2;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
[ "$SECS" -le 120 ] || { echo "at most 120 seconds" >&2; exit 2; }
command -v wrk > /dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 1; }
base=$(mktemp -d /tmp/tern-http-bench.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2> /dev/null && wait "$pid" 2> /dev/null; rm -rf "$base"; }
trap cleanup EXIT
cat > "$base/tern.yaml" <<YAML
hostname: localhost
data_dir: $base/data
domains: [localhost]
users: [bench@localhost]
smtp: {listen: ["127.0.0.1:$((PORT + 1))"]}
submission: {listen: []}
smtps: {listen: []}
imap: {listen: []}
imaps: {listen: []}
pop3: {listen: []}
pop3s: {listen: []}
web: {listen: ["127.0.0.1:$PORT"]}
YAML
key=$("$here/tern" apikey add bench --rate 100000000 --data "$base/data") || exit 1
"$here/tern" run --config "$base/tern.yaml" > "$base/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
  sleep 0.2
done
# 1 KiB of text: with the JSON around it the request body is about 1.1 KiB.
text=$(head -c 1024 /dev/zero | tr '\0' 'x')
cat > "$base/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $key"
wrk.body = '{"from":"app@localhost","to":["bench@localhost"],"subject":"bench","text":"$text"}'
response = function(status, headers, body) if status ~= 201 then io.stderr:write("status " .. status .. "\n") end end
LUA
# A short warm-up so the JIT has compiled the path, then the measured run.
wrk -t1 -c4 -d3s -s "$base/post.lua" "http://127.0.0.1:$PORT/api/v1/messages" > /dev/null 2> "$base/warm.err"
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
before=$(ticks)
wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --latency -s "$base/post.lua" "http://127.0.0.1:$PORT/api/v1/messages" \
  > "$base/wrk.out" 2> "$base/wrk.err"
after=$(ticks)
cat "$base/wrk.out"
errors=$(grep -c status "$base/wrk.err" || true)
requests=$(awk '/requests in/ {print $1}' "$base/wrk.out")
rate=$(awk '/Requests\/sec/ {print $2}' "$base/wrk.out")
cpu_ms=$(awk -v a="$after" -v b="$before" -v hz="$hz" -v n="$requests" 'BEGIN {printf "%.3f", (a - b) * 1000 / hz / n}')
echo "msgs/s: $rate   requests: $requests   non-201: $errors   server CPU per message: ${cpu_ms} ms (cores: $(nproc))"
