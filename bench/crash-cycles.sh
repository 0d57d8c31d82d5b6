#!/usr/bin/env bash
# Issue 8's crash scenario: acceptance and restart time across kill -9 cycles under load, with an empty mailbox
# and with one holding N messages. See bench/README.md, "Crash cycles with a full mailbox (issue 8)".
#
#   bench/crash-cycles.sh [options]
#
# Options:
#   --fill N        messages pre-filled into the mailbox for the "full" run (default 100000), written straight into
#                   its Maildir with Tern's file names (CrashLoad fill); --into new|cur: where (default new)
#   --cycles C      kill -9 cycles per run (default 20)
#   --secs T        seconds of load per cycle before the kill (default 3)
#   --sessions S    SMTP sessions of the load, new connection per message (default 20); --size B (default 1024)
#   --runs LIST     which runs, in order (default empty,full); repeat them to interleave on a noisy machine,
#                   e.g. empty,full,empty,full: the ratio is then over the medians of all cycles of each kind
#   --port P        loopback SMTP port of the server under test (default 2925; must be free)
#   --base DIR      scratch directory (default: a new mktemp -d under /tmp; deleted at the end unless --keep)
#   --drain-s S     the longest wait for the queue to drain at the end of a run (default 600)
#   --out FILE      append one tab-separated line per run to FILE
#   --keep          keep the scratch directory (data, logs, acknowledged ids)
#
# Each run: a fresh data dir; (full) the mailbox pre-filled; a warm-up start (a few messages delivered, then
# SIGTERM); then C cycles, driven by CrashLoad with the load running all along: start Tern (the jar of this
# checkout, on 127.0.0.1:P), time until its SMTP greeting, T s of load at full speed, SIGKILL to the server
# while the sessions are mid-transaction. Then one last start, the queue drained, and every message that got a
# 250 looked up in the mailbox: lost, duplicated.
# Only loopback; every wait bounded; only the servers this script started are signalled, by PID.
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
FILL=100000; INTO=new; CYCLES=20; SECS=3; SESSIONS=20; SIZE=1024; RUNS=empty,full; PORT=2925; BASE=; DRAIN_S=600
OUT=; KEEP=
while [ $# -gt 0 ]; do
  case "$1" in
    --fill) FILL=$2; shift 2;;
    --into) INTO=$2; shift 2;;
    --cycles) CYCLES=$2; shift 2;;
    --secs) SECS=$2; shift 2;;
    --sessions) SESSIONS=$2; shift 2;;
    --size) SIZE=$2; shift 2;;
    --runs) RUNS=$2; shift 2;;
    --port) PORT=$2; shift 2;;
    --base) BASE=$2; shift 2;;
    --drain-s) DRAIN_S=$2; shift 2;;
    --out) OUT=$2; shift 2;;
    --keep) KEEP=1; shift;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2;;
  esac
done
for v in FILL CYCLES SECS SESSIONS SIZE PORT DRAIN_S; do
  case "${!v}" in ''|*[!0-9]*) echo "--${v,,} must be a whole number" >&2; exit 2;; esac
done
[ "$CYCLES" -ge 1 ] && [ "$SECS" -ge 1 ] || { echo "--cycles and --secs must be at least 1" >&2; exit 2; }

. "$here/.mvn/find-jdk.sh" || exit 1
JAVA=$JAVA_HOME/bin/java
jar="$here/tern-app/target/tern-app-0.1.0-SNAPSHOT.jar"
# Build the server when its jar is missing or older than a source (the same test as ./tern).
if [ ! -f "$jar" ] || [ -n "$(find "$here" \( -name target -o -name bench -o -name .git -o -name data \) -prune -o \
      \( -name '*.java' -o -name pom.xml -o -name '*.yaml' \) -newer "$jar" -print | head -n 1)" ]; then
  echo "building the server jar ..." >&2
  (cd "$here" && ./mvnw -q -B -o -DskipTests package) >&2 || { echo "build failed" >&2; exit 1; }
  touch "$jar"
fi
[ -n "$(ss -ltnH "sport = :$PORT")" ] && { echo "port $PORT is in use: choose another with --port" >&2; exit 1; }

if [ -z "$BASE" ]; then BASE=$(mktemp -d /tmp/crashbench.XXXXXX); else mkdir -p "$BASE"; fi
mkdir -p "$BASE/classes"
"$JAVA_HOME/bin/javac" -d "$BASE/classes" "$here/bench/CrashLoad.java" || exit 1
helper() { "$JAVA" -cp "$BASE/classes" CrashLoad "$@"; }
# Tern as ./tern runs it (the same JVM options), from this checkout's jar.
SERVER_CMD=("$JAVA" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -cp "$jar:$here/tern-app/target/lib/*" dev.tern.app.Main run)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

SERVER_PID=
cleanup() {
  if [ -n "${helper_pid-}" ] && kill -0 "$helper_pid" 2>/dev/null; then kill "$helper_pid"; wait "$helper_pid" 2>/dev/null; fi
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -9 "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  if [ -z "$KEEP" ]; then rm -rf "$BASE"; else echo "kept $BASE" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b-a}'; }

# start_server DIR: starts Tern on DIR/tern.yaml in the background; sets SERVER_PID and START_S (seconds from the
# process start to the first SMTP greeting read on the port). Fails if it exits or does not greet within 120 s.
start_server() {
  local dir=$1 t0 i
  echo "=== start $(date -u +%FT%T.%NZ)" >> "$dir/tern.log"
  t0=$(now)
  "${SERVER_CMD[@]}" --config "$dir/tern.yaml" >> "$dir/tern.log" 2>&1 < /dev/null &
  SERVER_PID=$!
  for i in $(seq 1 6000); do      # 6,000 x (try + 20 ms): about 2 minutes at most
    if timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT && read -r -t 2 l <&3 && [[ \$l == 220* ]]" 2>/dev/null; then
      START_S=$(sub "$t0" "$(now)"); return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "the server exited; its log:" >&2; tail -20 "$dir/tern.log" >&2; return 1; }
    [ "$(sub "$t0" "$(now)" | cut -d. -f1)" -ge 120 ] && break
    sleep 0.02
  done
  echo "no greeting on port $PORT after 120 s" >&2; return 1
}
# kill9: SIGKILL to the server this script started (if the load's --kill-pid has not already), then reap it.
kill9() { kill -9 "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=; }
# stop_server: SIGTERM, up to 60 s for a clean exit, then SIGKILL.
stop_server() {
  local i
  kill "$SERVER_PID" 2>/dev/null
  for i in $(seq 1 600); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill9
}
files_in() { local n=0 d; for d in new cur; do [ -d "$1/$d" ] && n=$(( n + $(ls -U1 "$1/$d" | wc -l) )); done; echo "$n"; }
queued() {  # messages in the running server's queue, or empty when it cannot tell
  "$JAVA" -cp "$jar:$here/tern-app/target/lib/*" dev.tern.app.Main queue summary --data "$1/data" 2>/dev/null |
    awk '$1 == "TOTAL" {t=$2} END {print (t == "" ? 0 : t)}'
  return "${PIPESTATUS[0]}"
}
g() { echo "$2" | grep -o " $1=[^ ]*" | head -1 | cut -d= -f2; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else printf "%.6g\n", (a[NR/2]+a[NR/2+1])/2}'; }

SUMMARY=(); declare -A POOL_RATES POOL_RESTARTS   # per kind (empty, full): every cycle of every run
echo "# bench/crash-cycles.sh  cycles=$CYCLES secs=$SECS sessions=$SESSIONS size=$SIZE fill=$FILL into=$INTO port=$PORT"
echo "# $(cd "$here" && git rev-parse --short HEAD 2>/dev/null)$(cd "$here" && git diff --quiet 2>/dev/null || echo '+dirty')  $(date -u +%FT%TZ)  $(nproc) CPUs  load $(cut -d' ' -f1-3 /proc/loadavg)  base $BASE"

ri=0
for run in ${RUNS//,/ }; do
  case "$run" in empty|full) ;; *) echo "unknown run $run (empty or full)" >&2; exit 2;; esac
  ri=$(( ri + 1 )); dir=$BASE/$ri-$run; rm -rf "$dir"; mkdir -p "$dir"
  maildir=$dir/data/mail/localhost/bench
  cat > "$dir/tern.yaml" <<YAML
hostname: localhost
data_dir: $dir/data
domains: [localhost]
users: [bench@localhost]
smtp: {listen: ["127.0.0.1:$PORT"]}
submission: {listen: []}
smtps: {listen: []}
imap: {listen: []}
imaps: {listen: []}
pop3: {listen: []}
pop3s: {listen: []}
YAML
  tag=$(printf '%s%04x' "${run:0:1}" $(( RANDOM )))   # ids: <tag>w.<n> (warm-up), <tag>c<i>.<n> (cycle i)
  prefilled=0
  echo
  echo "## run '$run'"
  if [ "$run" = full ] && [ "$FILL" -gt 0 ]; then
    res=$(helper fill "$maildir" "$FILL" --into "$INTO" --size "$SIZE") || exit 1
    prefilled=$FILL
    echo "  pre-filled $FILL messages into $INTO/ in $(g secs "$res") s"
  fi
  # Warm-up: the mailbox is opened (an index, if the store keeps one, is built now), the JIT of nothing is kept.
  start_server "$dir" || exit 1
  first=$START_S
  res=$(helper load "127.0.0.1:$PORT" --secs 1 --sessions 2 --size "$SIZE" --tag "${tag}w" --acked "$dir/acked.w" --max-s 60)
  w=$(g acked "$res"); t0=$(now)
  for i in $(seq 1 3000); do [ "$(files_in "$maildir")" -ge $(( prefilled + w )) ] && break; sleep 0.1; done
  echo "  warm-up: first start ${first} s; $w messages accepted, in the mailbox $(sub "$t0" "$(now)") s after the last 250"
  stop_server

  RATES=(); RESTARTS=(); CPUS=(); RESUMED=()
  # The cycles: CrashLoad keeps the load running, and starts, times and SIGKILLs the server (its own child, by PID).
  printf '  %5s %10s %9s %9s %9s %8s %14s %14s\n' cycle restart_s accepted msgs/s inflight resumed \
    "cpu start ms" "cpu window ms"
  helper cycles "127.0.0.1:$PORT" --cycles "$CYCLES" --secs "$SECS" --sessions "$SESSIONS" --size "$SIZE" \
      --tag "${tag}c" --acked "$dir/acked.c" --log "$dir/tern.log" --max-s $(( CYCLES * (SECS + 160) + 60 )) -- \
      "${SERVER_CMD[@]}" --config "$dir/tern.yaml" > "$dir/cycles.out" &
  helper_pid=$!
  shown=0
  while kill -0 "$helper_pid" 2>/dev/null || [ "$shown" -lt "$(grep -c '^CYCLE' "$dir/cycles.out")" ]; do
    while IFS= read -r l; do
      shown=$(( shown + 1 ))
      case "$l" in *FAILED*) echo "  $l"; continue;; esac
      printf '  %5s %10s %9s %9s %9s %8s %14s %14s\n' "$(echo "$l" | cut -d' ' -f2)" "$(g restart_s "$l")" "$(g acked "$l")" \
        "$(g per_s "$l")" "$(g inflight "$l")" "$(g resumed "$l")" "$(g cpu_before_ms "$l")" "$(g cpu_window_ms "$l")"
    done < <(grep '^CYCLE' "$dir/cycles.out" | tail -n +$(( shown + 1 )))
    sleep 0.5
  done
  wait "$helper_pid" || { echo "CrashLoad cycles failed; see $dir/cycles.out" >&2; exit 1; }
  while read -r l; do
    RATES+=("$(g per_s "$l")"); CPUS+=("$(g cpu_before_ms "$l")"); RESUMED+=("$(g resumed "$l")")
    c=$(echo "$l" | cut -d' ' -f2); [ "$c" -gt 1 ] && RESTARTS+=("$(g restart_s "$l")")   # cycle 1 follows a clean stop
  done < <(grep '^CYCLE [0-9]* restart' "$dir/cycles.out")
  res=$(grep '^RESULT cycles' "$dir/cycles.out")
  echo "  load: $(g acked "$res") acknowledged, $(g inflight "$res") in flight at a kill; errors $(g errors "$res")"
  [ "$(g cycles "$res")" = "$CYCLES" ] || { echo "only $(g cycles "$res") of $CYCLES cycles ran" >&2; exit 1; }
  # The last start: after the last kill, until the queue is empty.
  start_server "$dir" || exit 1
  t0=$(now); left=?
  for i in $(seq 1 "$DRAIN_S"); do
    left=$(queued "$dir") && [ "$left" = 0 ] && break
    sleep 1
  done
  echo "  queue drained to '$left' in $(sub "$t0" "$(now)") s after the last start"
  echo "  last start ${START_S} s (not in the restart figures: timed by this script, not CrashLoad)"
  res=$(helper check "$maildir" "$dir/acked.w" "$dir/acked.c" --prefix "$tag")
  echo "$res" | sed 's/^/  /'
  stop_server
  acked=$(g acked "$res"); lost=$(g lost "$res"); dup=$(g duplicated "$res")
  rmed=$(printf '%s\n' "${RATES[@]}" | median); rmin=$(printf '%s\n' "${RATES[@]}" | sort -g | head -1)
  smed=$(printf '%s\n' "${RESTARTS[@]}" | median); smax=$(printf '%s\n' "${RESTARTS[@]}" | sort -g | tail -1)
  [ ${#RESTARTS[@]} -eq 0 ] && smed=n/a && smax=n/a
  half=$(printf '%s\n' "${RATES[@]}" | tail -n $(( (CYCLES + 1) / 2 )) | median)   # the later half: a spiral shows here
  cmed=$(printf '%s\n' "${CPUS[@]}" | median); remed=$(printf '%s\n' "${RESUMED[@]}" | median)
  SUMMARY+=("$run $CYCLES $rmed $rmin $half $smed $smax $cmed $remed $acked $lost $dup $(g unacked_delivered "$res") $left")
  POOL_RATES[$run]+=" ${RATES[*]}"; POOL_RESTARTS[$run]+=" ${RESTARTS[*]}"
  # TSV: time, run, messages pre-filled, cycles, secs, sessions, median/min msgs/s, median/max restart s,
  # acknowledged, lost, duplicated, every cycle's msgs/s (comma-separated), every restart (comma-separated)
  [ -n "$OUT" ] && printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$run" \
    "$prefilled" "$CYCLES" "$SECS" "$SESSIONS" "$rmed" "$rmin" "$smed" "$smax" "$acked" "$lost" "$dup" \
    "$(IFS=,; echo "${RATES[*]}")" "$(IFS=,; echo "${RESTARTS[*]}")" >> "$OUT"
done

echo
echo "## summary: $CYCLES kill -9 cycles of $SECS s at $SESSIONS sessions, $SIZE-byte messages; full = $FILL messages in the mailbox"
printf '%-6s %6s %8s %8s %9s %9s %9s %12s %8s %8s %5s %6s %8s %6s\n' run cycles "msgs/s" "min" "later" \
  "restart" "max" "CPU to 220" resumed acked lost dupl "unacked" queue
printf '%-6s %6s %8s %8s %9s %9s %9s %12s %8s %8s %5s %6s %8s %6s\n' "" "" median "" "half med" median "" "median ms" \
  median "" "" "" "stored" left
for line in "${SUMMARY[@]}"; do
  read -r run n rmed rmin half smed smax cmed remed acked lost dup unacked left <<< "$line"
  printf '%-6s %6s %8s %8s %9s %8ss %8ss %12s %8s %8s %5s %6s %8s %6s\n' "$run" "$n" "$rmed" "$rmin" "$half" "$smed" "$smax" \
    "$cmed" "$remed" "$acked" "$lost" "$dup" "$unacked" "$left"
done
if [ -n "${POOL_RATES[empty]-}" ] && [ -n "${POOL_RATES[full]-}" ]; then
  e=$(printf '%s\n' ${POOL_RATES[empty]} | median); f=$(printf '%s\n' ${POOL_RATES[full]} | median)
  es=$(printf '%s\n' ${POOL_RESTARTS[empty]} | median); fs=$(printf '%s\n' ${POOL_RESTARTS[full]} | median)
  awk -v e="$e" -v f="$f" -v es="$es" -v fs="$fs" 'BEGIN {
    printf "ratio full/empty (medians over all cycles of each kind): acceptance %.2f (%s vs %s msgs/s; target >= 0.5: %s), restart %.2f (%s vs %s s)\n",
      (e > 0 ? f / e : 0), f, e, (e > 0 && f / e >= 0.5 ? "met" : "NOT met"), (es > 0 ? fs / es : 0), fs, es }'
fi
