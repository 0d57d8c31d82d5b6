#!/usr/bin/env bash
# Issue 10's HTTP API clause: durable submission of 1 KiB JSON messages over keep-alive connections.
#
#   bench/http-api.sh [--secs S (default 15)] [--conns C (default 32)] [--threads T (default 2)] [--port P (default 2945)]
#                     [--warmup S (default 10)] [--jfr FILE (record the server with JFR's profile settings into FILE)]
#                     [--idempotent (each request with its own Idempotency-Key)]
#
# Starts `tern run --config` (this checkout's jar, as ./tern runs it) with a fresh data dir in a temp dir, web on
# 127.0.0.1:P, SMTP on P+1, no other listener; adds an API key with a rate high enough never to limit; runs wrk
# for S seconds with a Lua script POSTing the same 1 KiB JSON message (to bench@localhost, so each is also
# delivered to a Maildir). Reports msgs/s (201 answers, counted by the Lua script), the server's CPU (utime+stime
# from /proc/PID/stat) per 201 over the wrk run, its resident memory at the end (VmRSS) and at its peak (VmHWM),
# and the load average before the run. Only loopback; bounded in time; only the server this script started is
# signalled.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
SECS=15; CONNS=32; THREADS=2; PORT=2945; JFR=; WARMUP=10; IDEMPOTENT=0
while [ $# -gt 0 ]; do
  case "$1" in
    --secs) SECS=$2; shift 2;; --conns) CONNS=$2; shift 2;; --threads) THREADS=$2; shift 2;; --port) PORT=$2; shift 2;;
    --jfr) JFR=$2; shift 2;;
    --warmup) WARMUP=$2; shift 2;;
    --idempotent) IDEMPOTENT=1; shift;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
[ "$SECS" -le 120 ] && [ "$WARMUP" -le 60 ] || { echo "at most 120 seconds, warm-up at most 60" >&2; exit 2; }
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
# The recorder only for the server: `tern apikey add` prints the key on stdout, which JFR would write to as well.
opts=${TERN_JAVA_OPTS:--XX:+UseG1GC -XX:+ExitOnOutOfMemoryError}
[ -n "$JFR" ] && opts="$opts -XX:StartFlightRecording=filename=$JFR,settings=profile"
TERN_JAVA_OPTS=$opts "$here/tern" run --config "$base/tern.yaml" > "$base/server.log" 2>&1 &
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
-- Each wrk thread has its own Lua state: count there, add up in done().
local threads = {}
function setup(thread) table.insert(threads, thread); thread:set("tid", #threads) end
function init(args) created = 0; other = 0; sent = 0; run = os.time() end
if $IDEMPOTENT == 1 then
  -- A key of its own per request (start time, thread, count): every request is a first one, none a replay, the
  -- run's keys not the warm-up's either.
  function request()
    sent = sent + 1
    wrk.headers["Idempotency-Key"] = "bench-" .. run .. "-" .. tid .. "-" .. sent
    return wrk.format()
  end
end
function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do c = c + t:get("created"); o = o + t:get("other") end
  io.write(string.format("answers: 201=%d other=%d\n", c, o))
end
LUA
# A warm-up at the same concurrency, so the JIT has compiled the path (its compiler threads otherwise take a third
# of the measured CPU: see the per-thread lines), then the measured run.
[ "$WARMUP" -gt 0 ] && wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" -s "$base/post.lua" \
  "http://127.0.0.1:$PORT/api/v1/messages" > /dev/null 2> "$base/warm.err"
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
# CPU ticks per thread group (virtual threads run on the ForkJoinPool carriers, so they count there).
threads() {
  for t in /proc/"$pid"/task/*; do
    name=$(cat "$t/comm" 2> /dev/null) || continue
    ticks=$(sed 's/^.*) //' "$t/stat" 2> /dev/null | awk '{print $12 + $13}') || continue
    echo "$name" | sed -E 's/^ForkJoinPool-.*/virtual-thread carriers/; s/^GC Thread#.*/GC (G1 workers)/;
      s/^C[12] CompilerThre.*/JIT compilers/; s/^G1 .*/GC (G1 other)/' | tr '\n' '\t'
    echo "$ticks"
  done | awk -F'\t' '{sum[$1] += $2} END {for (n in sum) print sum[n] "\t" n}'
}
hz=$(getconf CLK_TCK)
load=$(cut -d' ' -f1-3 /proc/loadavg)
threads > "$base/threads.before"
before=$(ticks)
wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --latency -s "$base/post.lua" "http://127.0.0.1:$PORT/api/v1/messages" \
  > "$base/wrk.out" 2> "$base/wrk.err"
after=$(ticks)
threads > "$base/threads.after"
rss=$(awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status")
peak=$(awk '/^VmHWM/ {print int($2 / 1024)}' "/proc/$pid/status")
cat "$base/wrk.out"
created=$(awk -F'[= ]' '/^answers:/ {print $3}' "$base/wrk.out")
other=$(awk -F'[= ]' '/^answers:/ {print $5}' "$base/wrk.out")
elapsed=$(awk '/requests in/ {t = $4; sub(/,$/, "", t); if (t ~ /m$/) {sub(/m$/, "", t); t *= 60} else sub(/s$/, "", t); print t}' "$base/wrk.out")
[ -n "$created" ] && [ "$created" -gt 0 ] || { echo "no 201 answers; server log:" >&2; tail -20 "$base/server.log" >&2; exit 1; }
rate=$(awk -v n="$created" -v s="$elapsed" 'BEGIN {printf "%.0f", n / s}')
cpu_ms=$(awk -v a="$after" -v b="$before" -v hz="$hz" -v n="$created" 'BEGIN {printf "%.3f", (a - b) * 1000 / hz / n}')
echo "server CPU by thread over the run (ms per message):"
awk -F'\t' -v hz="$hz" -v n="$created" 'NR == FNR {b[$2] = $1; next} {d = $1 - b[$2]; if (d > 0) printf "  %7.3f  %s\n", d * 1000 / hz / n, $2}' \
  "$base/threads.before" "$base/threads.after" | sort -rn | head -8
echo "msgs/s: $rate   201: $created   other: $other   server CPU per message: ${cpu_ms} ms   RSS: ${rss} MiB (peak ${peak} MiB)   load before: $load (cores: $(nproc))"
