#!/bin/bash
# The standard benchmark points against any SMTP server on loopback. See bench/README.md.
#
#   bench/run.sh HOST:PORT [options]
#
# Options:
#   --pid PID          the server's process: CPU ms/msg is measured over PID and all its descendants
#                      (a JVM: its PID; Postfix: the master's PID, which also counts exited daemons)
#   --to ADDR          recipient (default bench@localhost); the sender is bench@client.test
#   --maildir DIR      the recipient's Maildir (its new/ is watched): enables point (e); with --clean, the
#                      files in DIR/new are deleted before (e) and after the large-message points
#   --clean            see --maildir
#   --points LIST      comma-separated subset of a,b,c,d,e,f (default a,b,c,d, plus e with --maildir)
#   --secs S           target seconds per measured point (default 7; each smtp-source run is also killed at 120 s)
#   --sessions LIST    session counts for point (a) (default 1,10,50,200)
#   --idle-sessions N  point (f): sessions (default 10000); --idle-hold S: seconds to hold them (default 60)
#   --label NAME       a name for this server in the output (default HOST:PORT)
#   --out FILE         append the RESULT lines (tab-separated, with the label and a timestamp) to FILE
#
# Points:
#   (a) durable acceptance, 1 KiB, new connection per message, N sessions: msgs/s and server CPU ms/msg
#   (b) 100 KiB and 1 MiB at 50 sessions: MiB/s and server CPU ms/msg
#   (c) pipelining vs lock-step (SmtpBench pipeline): 1 and 10 sessions, latency and msgs/s
#   (d) 200 clients at once: smtp-source -s 200 with -A (errors counted), and SmtpBench storm (200 connect at once)
#   (e) end to end into the Maildir (SmtpBench e2e): 10 KiB, 10 sessions, 2,000 messages
#   (f) idle sessions (SmtpBench idle): 10,000 sessions after EHLO, held 60 s, then NOOP; RSS and retained heap
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
target=${1:-}
case "$target" in ''|-*) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 2;; esac
shift
host=${target%:*}; port=${target##*:}
case "$host" in 127.*|localhost|::1|'[::1]') ;; *) echo "refusing: $host is not a loopback address" >&2; exit 2;; esac

PID=; TO=bench@localhost; MAILDIR=; CLEAN=; POINTS=; SECS=7; SESSIONS=1,10,50,200
IDLE_N=10000; IDLE_HOLD=60; LABEL=$target; OUT=
while [ $# -gt 0 ]; do
  case "$1" in
    --pid) PID=$2; shift 2;;
    --to) TO=$2; shift 2;;
    --maildir) MAILDIR=$2; shift 2;;
    --clean) CLEAN=1; shift;;
    --points) POINTS=$2; shift 2;;
    --secs) SECS=$2; shift 2;;
    --sessions) SESSIONS=$2; shift 2;;
    --idle-sessions) IDLE_N=$2; shift 2;;
    --idle-hold) IDLE_HOLD=$2; shift 2;;
    --label) LABEL=$2; shift 2;;
    --out) OUT=$2; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
[ -z "$POINTS" ] && POINTS=a,b,c,d${MAILDIR:+,e}
has() { case ",$POINTS," in *",$1,"*) return 0;; *) return 1;; esac; }

command -v smtp-source >/dev/null || { echo "smtp-source not found: install the Debian package postfix (see bench/README.md)" >&2; exit 1; }
# A JDK 25 for SmtpBench.java: $JAVA_HOME, then the project's finder, then /usr/lib/jvm.
if [ -f "$here/../.mvn/find-jdk.sh" ]; then . "$here/../.mvn/find-jdk.sh" || true; fi
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/java}
[ -x "${JAVA:-}" ] || JAVA=$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)
[ -x "${JAVA:-}" ] || JAVA=java
# Enough file descriptors for 10,000 sessions (the server needs its own: raise it where it is started).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

CLK_TCK=$(getconf CLK_TCK)
ROWS=()

# CPU ticks of PID and its descendants (utime+stime+cutime+cstime: exited children are in their parent's cutime).
cpu_ticks() {
  [ -n "$PID" ] || { echo -1; return; }
  for f in /proc/[0-9]*/stat; do
    read -r line < "$f" 2>/dev/null || continue
    p=${f#/proc/}; echo "${p%/stat} ${line##*) }"
  done | awk -v root="$PID" '{ pp[$1]=$3; t[$1]=$13+$14+$15+$16 }
    END { s=0; for (p in t) { q=p; for (d=0; d<64 && q>1; d++) { if (q==root) { s+=t[p]; break } if (!(q in pp)) break; q=pp[q] } } print s }'
}
ms_per() {  # ms_per TICKS_BEFORE TICKS_AFTER MSGS
  if [ "$1" -lt 0 ] || [ "$3" -le 0 ]; then echo n/a; else awk -v a="$1" -v b="$2" -v n="$3" -v hz="$CLK_TCK" 'BEGIN{printf "%.2f", (b-a)*1000/hz/n}'; fi
}
now() { date +%s.%N; }
# settle: wait (up to 60 s) until the server is idle — under 5% of a CPU over 1 s — so a backlog left by one
# point (deliveries still running) does not eat into the next. Needs --pid.
settle() {
  [ -n "$PID" ] || { sleep 1; return; }
  local a b i
  for i in $(seq 1 60); do
    a=$(cpu_ticks); sleep 1; b=$(cpu_ticks)
    [ $(( b - a )) -le $(( CLK_TCK / 20 )) ] && return
  done
  echo "  (server still busy after 60 s)" >&2
}
clean_maildir() { [ -n "$CLEAN" ] && [ -n "$MAILDIR" ] && [ -d "$MAILDIR/new" ] && find "$MAILDIR/new" -maxdepth 1 -type f -delete; true; }

row() {  # row POINT VALUE UNIT CPU NOTE
  ROWS+=("$(printf '%-38s %12s %-8s %10s  %s' "$1" "$2" "$3" "$4" "${5-}")")
  printf '  -> %s: %s %s%s %s\n' "$1" "$2" "$3" "${4:+, server CPU $4 ms/msg}" "${5-}"
  [ -n "$OUT" ] && printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$LABEL" "$1" "$2" "$3" "$4" "${5-}" >> "$OUT"
}

# smtp_source SESSIONS MSGS SIZE [extra args]: runs smtp-source (bounded to 120 s); sets ELAPSED, RC, ERRS, TICKS.
smtp_source() {
  local s=$1 m=$2 l=$3; shift 3
  local err; err=$(mktemp)
  local c0 t0 t1 c1
  settle
  c0=$(cpu_ticks); t0=$(now)
  timeout 120 smtp-source "$@" -s "$s" -m "$m" -l "$l" -f bench@client.test -t "$TO" "$host:$port" 2> "$err" > /dev/null
  RC=$?
  t1=$(now); c1=$(cpu_ticks)
  ELAPSED=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')
  ERRS=$(grep -c -E 'warning|fatal|error' "$err")
  [ "$RC" != 0 ] && { echo "  smtp-source exit $RC: $(head -3 "$err" | tr '\n' ' ')" >&2; }
  [ "$ERRS" -gt 0 ] && { echo "  smtp-source printed $ERRS errors, e.g.: $(sort "$err" | uniq -c | sort -rn | head -3 | tr '\n' ' ')" >&2; }
  CPU_MS=$(ms_per "$c0" "$c1" "$m")
  rm -f "$err"
}

# calibrate SESSIONS SIZE MAXMSGS: a short probe run, then MSGS for ~SECS seconds (at least 10 per session).
calibrate() {
  local s=$1 l=$2 max=$3 probe
  probe=$(( s * 5 > 200 ? s * 5 : 200 )); [ "$probe" -gt "$max" ] && probe=$max
  smtp_source "$s" "$probe" "$l"
  MSGS=$(awk -v n="$probe" -v e="$ELAPSED" -v secs="$SECS" -v s="$s" -v max="$max" \
    'BEGIN{ m=int(n/e*secs); if (m < s*10) m=s*10; if (m > max) m=max; print m }')
}

echo "# bench/run.sh $target  label=$LABEL  pid=${PID:-none}  to=$TO  $(date -u +%FT%TZ)  $(nproc) CPUs  $(uname -r)"

if has a; then
  echo "(a) durable acceptance, 1 KiB, new connection per message"
  for s in ${SESSIONS//,/ }; do
    calibrate "$s" 1024 60000
    smtp_source "$s" "$MSGS" 1024
    rate=$(awk -v m="$MSGS" -v e="$ELAPSED" 'BEGIN{printf "%.0f", m/e}')
    row "a 1KiB accept, $s sessions" "$rate" "msgs/s" "$CPU_MS" "($MSGS msgs in $ELAPSED s, rc=$RC, errors=$ERRS)"
  done
  clean_maildir
fi

if has b; then
  echo "(b) large messages at 50 sessions"
  for l in 102400 1048576; do
    max=$(( l > 500000 ? 3000 : 20000 ))
    calibrate 50 "$l" "$max"
    clean_maildir
    smtp_source 50 "$MSGS" "$l"
    mibs=$(awk -v m="$MSGS" -v l="$l" -v e="$ELAPSED" 'BEGIN{printf "%.1f", m*l/e/1048576}')
    row "b $((l / 1024))KiB, 50 sessions" "$mibs" "MiB/s" "$CPU_MS" "($MSGS msgs in $ELAPSED s, rc=$RC, errors=$ERRS)"
    clean_maildir
  done
fi

if has c; then
  echo "(c) pipelining vs lock-step (1 KiB, persistent connections, 100 messages per connection)"
  for s in 1 10; do
    settle
    out=$("$JAVA" "$here/SmtpBench.java" pipeline "$target" --to "$TO" ${PID:+--pid "$PID"} --sessions "$s" \
          --count $(( s == 1 ? 2000 : 5000 )) --max-s 150 2>&1)
    echo "$out" | sed 's/^/  /'
    res=$(echo "$out" | grep '^RESULT pipeline')
    for st in lockstep pipe pipeplus; do
      r=$(echo "$res" | grep -o "${st}_per_s=[^ ]*" | cut -d= -f2)
      p50=$(echo "$res" | grep -o "${st}_p50_ms=[^ ]*" | cut -d= -f2)
      p99=$(echo "$res" | grep -o "${st}_p99_ms=[^ ]*" | cut -d= -f2)
      [ -n "$r" ] && row "c $st, $s session(s)" "$r" "msgs/s" "" "p50 $p50 ms, p99 $p99 ms"
    done
  done
fi

if has d; then
  echo "(d) 200 clients at once"
  smtp_source 200 4000 1024 -A
  rate=$(awk -v m=4000 -v e="$ELAPSED" 'BEGIN{printf "%.0f", m/e}')
  row "d smtp-source -s 200 -A" "$rate" "msgs/s" "$CPU_MS" "(errors=$ERRS, rc=$RC)"
  settle
  out=$("$JAVA" "$here/SmtpBench.java" storm "$target" --to "$TO" ${PID:+--pid "$PID"} --clients 200 --rounds 10 --max-s 120 2>&1)
  echo "$out" | sed 's/^/  /'
  res=$(echo "$out" | grep '^RESULT storm')
  g() { echo "$res" | grep -o " $1=[^ ]*" | cut -d= -f2; }
  row "d storm: 200 connect at once x10" "$(g per_s)" "msgs/s" "$(g cpu_ms_per_msg)" "(ok $(g ok)/$(g attempts), errors=$(g errors) $(g kinds), p99 $(g p99_ms) ms)"
  clean_maildir
fi

if has e; then
  if [ -z "$MAILDIR" ]; then echo "(e) skipped: needs --maildir" >&2; else
    echo "(e) end to end into $MAILDIR/new: 10 KiB, 10 sessions, 2,000 messages"
    settle
    out=$("$JAVA" "$here/SmtpBench.java" e2e "$target" --to "$TO" --maildir "$MAILDIR" ${CLEAN:+--clean} ${PID:+--pid "$PID"} \
          --sessions 10 --count 2000 --size 10240 --max-s 200 2>&1)
    echo "$out" | sed 's/^/  /'
    res=$(echo "$out" | grep '^RESULT e2e')
    g() { echo "$res" | grep -o " $1=[^ ]*" | cut -d= -f2; }
    row "e e2e accepted" "$(g accepted_per_s)" "msgs/s" "" "(accepted $(g accepted), errors $(g errors))"
    row "e e2e delivered" "$(g delivered_per_s)" "msgs/s" "$(g cpu_ms_per_msg)" "(delivered $(g delivered); latency p50 $(g p50_ms) p99 $(g p99_ms) max $(g max_ms) ms; backlog max $(g backlog_max), grows=$(g grows))"
    clean_maildir
  fi
fi

if has f; then
  echo "(f) $IDLE_N idle sessions held $IDLE_HOLD s"
  settle
  out=$("$JAVA" -Xss256k "$here/SmtpBench.java" idle "$target" ${PID:+--pid "$PID"} --sessions "$IDLE_N" --hold-s "$IDLE_HOLD" \
        --max-s $(( IDLE_HOLD + 400 )) 2>&1)
  echo "$out" | sed 's/^/  /'
  res=$(echo "$out" | grep '^RESULT idle')
  g() { echo "$res" | grep -o " $1=[^ ]*" | cut -d= -f2; }
  row "f idle: NOOP ok / sessions" "$(g noop_ok)/$(g sessions)" "" "" "(open errors $(g open_errors), NOOP errors $(g noop_errors))"
  row "f idle: server RSS" "$(g rss_mib)" "MiB" "" "($(g rss_per_session_kib) KiB/session)"
  [ -n "$(g heap_per_session_kib)" ] && row "f idle: retained heap per session" "$(g heap_per_session_kib)" "KiB" "" "(heap after full GC $(g heap_mib) MiB; live objects $(g live_per_session_kib) KiB/session)"
fi

echo
echo "## $LABEL ($target) $(date -u +%FT%TZ)"
printf '%-38s %12s %-8s %10s  %s\n' "point" "value" "unit" "CPU ms/msg" "notes"
for r in "${ROWS[@]}"; do echo "$r"; done
