#!/usr/bin/env bash
# Issue 9's performance clause: durable acceptance of 1 KiB DKIM-signed messages with inbound verification on
# (SPF, DKIM x2, ARC, DMARC; DNS answers cached) vs off, in the same run; the CPU of DkimSigner per message for
# Ed25519 and RSA-2048; and (optional) the whole server's CPU per submitted message with signing on vs off.
# See bench/README.md, "Message authentication (issue 9)".
#
#   bench/auth.sh [options]
#
# Options:
#   --messages N    pre-signed messages (default 20000); each point sends the next --count of them
#   --count M       messages per measured point (default 6000); --secs S: at most S seconds per point (default 20)
#   --warmup W      messages sent to each fresh server before its points, 10 sessions (default 3000)
#   --sessions L    concurrent SMTP sessions per point, comma-separated (default 10,50)
#   --per-conn K    messages per connection (default 1: a new connection per message, like run.sh point (a))
#   --reps R        repetitions; each runs verify on and verify off, alternating which goes first (default 3)
#   --submission R  repetitions of the submission point (signing on vs dkim.sign: false; default 0 = skip)
#   --no-signcost   skip DkimSigner's CPU per message
#   --port P        loopback SMTP port of the server under test (default 2935; submission P+1)
#   --base DIR      scratch directory (default: a new mktemp -d under /tmp; deleted at the end unless --keep)
#   --out FILE      append one tab-separated line per point to FILE
#   --keep          keep the scratch directory
#
# Each server: `tern run --config` (the jar of this checkout, as ./tern runs it: G1), a fresh data dir, only
# 127.0.0.1:P, dns.servers = a TestDns on 127.0.0.1 that serves sender.test's SPF (v=spf1 ip4:127.0.0.1 -all),
# DMARC (p=reject) and both DKIM keys; inbound.verify true or false, every other key default. The load: MAIL FROM
# someone@sender.test, RCPT TO bench@localhost, the pre-signed messages, lock-step. After each server's points its
# Maildir is checked: with verify on, every message must carry dkim=pass (twice), spf=pass and dmarc=pass.
# Only loopback; every wait bounded; only the processes this script started are signalled, by PID.
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
MESSAGES=20000; COUNT=6000; SECS=20; WARMUP=3000; SESSIONS=10,50; PERCONN=1; REPS=3; SUBREPS=0; SIGNCOST=1
PORT=2935; BASE=; OUT=; KEEP=
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) MESSAGES=$2; shift 2;;
    --count) COUNT=$2; shift 2;;
    --secs) SECS=$2; shift 2;;
    --warmup) WARMUP=$2; shift 2;;
    --sessions) SESSIONS=$2; shift 2;;
    --per-conn) PERCONN=$2; shift 2;;
    --reps) REPS=$2; shift 2;;
    --submission) SUBREPS=$2; shift 2;;
    --no-signcost) SIGNCOST=; shift;;
    --port) PORT=$2; shift 2;;
    --base) BASE=$2; shift 2;;
    --out) OUT=$2; shift 2;;
    --keep) KEEP=1; shift;;
    -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2;;
  esac
done
for v in MESSAGES COUNT SECS WARMUP PERCONN REPS SUBREPS PORT; do
  case "${!v}" in ''|*[!0-9]*) echo "--${v,,} must be a whole number" >&2; exit 2;; esac
done
[ "$REPS" -le 20 ] && [ "$MESSAGES" -le 200000 ] || { echo "at most 20 reps and 200000 messages" >&2; exit 2; }
SUBPORT=$(( PORT + 1 ))

. "$here/.mvn/find-jdk.sh" || exit 1
JAVA=$JAVA_HOME/bin/java
jar="$here/tern-app/target/tern-app-0.1.0-SNAPSHOT.jar"
testkit="$here/tern-testkit/target/classes"
# Build the server (and tern-testkit, for TestDns) when missing or older than a source (the test of ./tern), offline.
if [ ! -f "$jar" ] || [ ! -f "$testkit/dev/tern/testkit/TestDns.class" ] || [ -n "$(find "$here" \( -name target -o -name bench -o -name .git -o -name data \) -prune -o \
      \( -name '*.java' -o -name pom.xml -o -name '*.yaml' \) -newer "$jar" -print | head -n 1)" ]; then
  echo "building the server jar and tern-testkit ..." >&2
  (cd "$here" && ./mvnw -q -B -o -DskipTests package -pl tern-testkit -am) >&2 || { echo "build failed" >&2; exit 1; }
  touch "$jar"
fi
for p in $PORT $SUBPORT; do
  [ -n "$(ss -ltnH "sport = :$p")" ] && { echo "port $p is in use: choose another with --port" >&2; exit 1; }
done

if [ -z "$BASE" ]; then BASE=$(mktemp -d /tmp/authbench.XXXXXX); else mkdir -p "$BASE"; fi
CP="$jar:$here/tern-app/target/lib/*:$testkit"
mkdir -p "$BASE/classes"
"$JAVA_HOME/bin/javac" -nowarn -cp "$CP" -d "$BASE/classes" "$here/bench/AuthBench.java" || exit 1
helper() { "$JAVA" -cp "$CP:$BASE/classes" AuthBench "$@"; }
SERVER_CMD=("$JAVA" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -cp "$jar:$here/tern-app/target/lib/*" dev.tern.app.Main)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

SERVER_PID=; DNS_PID=
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; fi
  if [ -n "$DNS_PID" ] && kill -0 "$DNS_PID" 2>/dev/null; then kill "$DNS_PID"; wait "$DNS_PID" 2>/dev/null; fi
  [ -f "$BASE/dns.log" ] && grep '^RESULT dns' "$BASE/dns.log" | sed 's/^/# /'
  if [ -z "$KEEP" ]; then rm -rf "$BASE"; else echo "kept $BASE" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

g() { echo "$2" | grep -o " $1=[^ ]*" | head -1 | cut -d= -f2; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "n/a"; else if (NR%2) print a[(NR+1)/2]; else printf "%.6g\n", (a[NR/2]+a[NR/2+1])/2}'; }
files_in() { local n=0 d; for d in new cur; do [ -d "$1/$d" ] && n=$(( n + $(ls -U1 "$1/$d" | wc -l) )); done; echo "$n"; }

# start_server DIR PORT: Tern on DIR/tern.yaml in the background (SERVER_PID); waits (at most 120 s) for its 220.
start_server() {
  local dir=$1 port=$2 i
  "${SERVER_CMD[@]}" run --config "$dir/tern.yaml" >> "$dir/tern.log" 2>&1 < /dev/null &
  SERVER_PID=$!
  for i in $(seq 1 1200); do
    if timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && read -r -t 2 l <&3 && [[ \$l == 220* ]]" 2>/dev/null; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "the server exited; its log:" >&2; tail -20 "$dir/tern.log" >&2; return 1; }
    sleep 0.1
  done
  echo "no greeting on port $port after 120 s" >&2; return 1
}
stop_server() {
  local i
  kill "$SERVER_PID" 2>/dev/null
  for i in $(seq 1 600); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=
}
# drain MAILDIR N: wait (at most 120 s) until N messages are in the mailbox.
drain() { local i; for i in $(seq 1 1200); do [ "$(files_in "$1")" -ge "$2" ] && return 0; sleep 0.1; done; return 1; }

echo "# bench/auth.sh  messages=$MESSAGES count=$COUNT secs=$SECS warmup=$WARMUP sessions=$SESSIONS per_conn=$PERCONN reps=$REPS submission=$SUBREPS port=$PORT"
echo "# $(cd "$here" && git rev-parse --short HEAD 2>/dev/null)$(cd "$here" && git diff --quiet HEAD -- . ':!bench' 2>/dev/null || echo '+dirty')  $(date -u +%FT%TZ)  $(nproc) CPUs  load $(cut -d' ' -f1-3 /proc/loadavg)  base $BASE"

# Keys, DNS, messages.
helper keygen "$BASE/dkim" sender.test | sed 's/^/# key /' || exit 1
# exec: $! is then the JVM itself, so the TERM at the end reaches it (not a subshell that would leave it running).
( exec "$JAVA" -cp "$CP:$BASE/classes" AuthBench dns "$BASE/dkim" sender.test --port-file "$BASE/dns.port" --max-s 7200 ) \
  > "$BASE/dns.log" 2>&1 &
DNS_PID=$!
for i in $(seq 1 300); do [ -s "$BASE/dns.port" ] && break; kill -0 "$DNS_PID" 2>/dev/null || break; sleep 0.1; done
[ -s "$BASE/dns.port" ] || { echo "the DNS server did not start:" >&2; cat "$BASE/dns.log" >&2; exit 1; }
DNS_PORT=$(cat "$BASE/dns.port")
echo "# $(head -1 "$BASE/dns.log")"
res=$(helper presign "$BASE/dkim" sender.test "$BASE/msgs.signed" "$MESSAGES") || exit 1
echo "# $res"
[ "$SUBREPS" -gt 0 ] && { helper presign "$BASE/dkim" sender.test "$BASE/msgs.plain" "$MESSAGES" --sign false > /dev/null || exit 1; }

write_config() {  # DIR VERIFY SIGN
  local dir=$1
  mkdir -p "$dir"
  cat > "$dir/tern.yaml" <<YAML
hostname: localhost
data_dir: $dir/data
domains: [localhost]
users: [bench@localhost]
smtp: {listen: ["127.0.0.1:$PORT"]}
submission:
  listen: ["127.0.0.1:$SUBPORT"]
  check_sender: false
  max_messages_per_hour_per_user: 100000000
  max_recipients_per_hour_per_user: 100000000
  max_messages_per_hour_per_ip: 100000000
  max_recipients_per_hour_per_ip: 100000000
auth: {plaintext_on_loopback: true}
smtps: {listen: []}
imap: {listen: []}
imaps: {listen: []}
pop3: {listen: []}
pop3s: {listen: []}
dns: {servers: ["127.0.0.1:$DNS_PORT"]}
inbound: {verify: $2}
dkim: {sign: $3}
YAML
}

POINTS=()   # "mode sessions rep per_s cpu"
point() {   # MODE REP SESSIONS FILE PORT [extra load options]
  local mode=$1 rep=$2 s=$3 file=$4 port=$5 r; shift 5
  r=$(helper load "127.0.0.1:$port" "$file" --sessions "$s" --count "$COUNT" --secs "$SECS" --pid "$SERVER_PID" \
      --offset "$OFFSET" "$@") || { echo "load failed" >&2; return 1; }
  OFFSET=$(( OFFSET + COUNT )); SENT=$(( SENT + $(g acked "$r") ))
  printf '  %-10s rep %d  %3d sessions: %8s msgs/s  %7s ms CPU/msg  (%s acked, %s errors, %s s)\n' "$mode" "$rep" "$s" \
    "$(g per_s "$r")" "$(g cpu_ms_per_msg "$r")" "$(g acked "$r")" "$(g errors "$r")" "$(g secs "$r")"
  POINTS+=("$mode $s $rep $(g per_s "$r") $(g cpu_ms_per_msg "$r")")
  [ -n "$OUT" ] && printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$mode" "$rep" "$s" "$PERCONN" \
    "$(g per_s "$r")" "$(g cpu_ms_per_msg "$r")" "$(cut -d' ' -f1 /proc/loadavg)" >> "$OUT"
  return 0
}

CHECKS_OK=1
echo
echo "## inbound: verify on vs off, $COUNT messages per point, $PERCONN per connection"
for rep in $(seq 1 "$REPS"); do
  if [ $(( rep % 2 )) -eq 1 ]; then order="on off"; else order="off on"; fi
  for mode in $order; do
    dir=$BASE/r$rep-$mode; [ "$mode" = on ] && v=true || v=false
    write_config "$dir" "$v" true
    start_server "$dir" "$PORT" || exit 1
    OFFSET=0; SENT=0
    w=$(helper load "127.0.0.1:$PORT" "$BASE/msgs.signed" --sessions 10 --count "$WARMUP" --secs 60 --offset 0)
    OFFSET=$WARMUP; SENT=$(g acked "$w")
    for s in ${SESSIONS//,/ }; do point "verify-$mode" "$rep" "$s" "$BASE/msgs.signed" "$PORT" --per-conn "$PERCONN" || exit 1; done
    maildir=$dir/data/mail/localhost/bench
    drain "$maildir" "$SENT" || echo "  only $(files_in "$maildir") of $SENT messages delivered after 120 s" >&2
    [ "$mode" = on ] && expect=verified || expect=unverified
    c=$(helper check "$maildir" --expect "$expect")
    echo "$c" | sed 's/^/    /'
    [ "$(g ok "$c")" = true ] || CHECKS_OK=
    stop_server
    [ -z "$KEEP" ] && rm -rf "$dir/data"
  done
done

if [ "$SUBREPS" -gt 0 ]; then
  echo
  echo "## submission (AUTH PLAIN on 127.0.0.1:$SUBPORT, 100 messages per connection): dkim.sign true vs false"
  for rep in $(seq 1 "$SUBREPS"); do
    if [ $(( rep % 2 )) -eq 1 ]; then order="on off"; else order="off on"; fi
    for mode in $order; do
      dir=$BASE/s$rep-$mode; [ "$mode" = on ] && v=true || v=false
      write_config "$dir" true "$v"
      mkdir -p "$dir/data" && cp -r "$BASE/dkim" "$dir/data/dkim"
      echo 'benchpass-1234' | "${SERVER_CMD[@]}" user add bench@localhost --password-stdin --config "$dir/tern.yaml" > /dev/null || exit 1
      start_server "$dir" "$SUBPORT" || exit 1
      OFFSET=0
      helper load "127.0.0.1:$SUBPORT" "$BASE/msgs.plain" --sessions 10 --count "$WARMUP" --secs 60 --per-conn 100 \
        --auth bench@localhost:benchpass-1234 --from bench@localhost > /dev/null
      OFFSET=$WARMUP; SENT=$WARMUP
      point "sign-$mode" "$rep" 10 "$BASE/msgs.plain" "$SUBPORT" --per-conn 100 --auth bench@localhost:benchpass-1234 \
        --from bench@localhost || exit 1
      maildir=$dir/data/mail/localhost/bench
      drain "$maildir" "$SENT" || echo "  only $(files_in "$maildir") of $SENT messages delivered after 120 s" >&2
      [ "$mode" = on ] && expect=signed || expect=unsigned
      c=$(helper check "$maildir" --expect "$expect")
      echo "$c" | grep RESULT | sed 's/^/    /'
      [ "$(g ok "$c")" = true ] || CHECKS_OK=
      stop_server
      [ -z "$KEEP" ] && rm -rf "$dir/data"
    done
  done
fi

if [ -n "$SIGNCOST" ]; then
  echo
  echo "## DkimSigner CPU per 1 KiB message (thread CPU time, after warm-up)"
  helper signcost "$BASE/dkim" sender.test | sed 's/^/  /'
fi

echo
echo "## summary (medians over the repetitions; ratio = on / off)"
sel() { printf '%s\n' "${POINTS[@]}" | awk -v m="$1" -v s="$2" -v f="$3" '$1 == m && $2 == s {print $f}'; }
printf '  %-28s %10s %10s %7s   %12s %12s %7s\n' point "on msgs/s" "off msgs/s" ratio "on CPU ms" "off CPU ms" ratio
for s in ${SESSIONS//,/ }; do
  ron=$(sel verify-on "$s" 4 | median); roff=$(sel verify-off "$s" 4 | median)
  con=$(sel verify-on "$s" 5 | median); coff=$(sel verify-off "$s" 5 | median)
  awk -v s="$s" -v a="$ron" -v b="$roff" -v c="$con" -v d="$coff" 'BEGIN {
    printf "  %-28s %10s %10s %7.2f   %12s %12s %7.2f   (rate target >= 0.70: %s)\n", "inbound " s " sessions",
      a, b, (b > 0 ? a / b : 0), c, d, (d > 0 ? c / d : 0), (b > 0 && a / b >= 0.7 ? "met" : "NOT met") }'
  # Paired: each repetition's on against its own off.
  pr=$(for rep in $(seq 1 "$REPS"); do
         a=$(printf '%s\n' "${POINTS[@]}" | awk -v s="$s" -v r="$rep" '$1 == "verify-on" && $2 == s && $3 == r {print $4}')
         b=$(printf '%s\n' "${POINTS[@]}" | awk -v s="$s" -v r="$rep" '$1 == "verify-off" && $2 == s && $3 == r {print $4}')
         awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f ", (b > 0 ? a / b : 0)}'
       done)
  echo "      per repetition (on/off rate): $pr"
done
if [ "$SUBREPS" -gt 0 ]; then
  con=$(sel sign-on 10 5 | median); coff=$(sel sign-off 10 5 | median)
  ron=$(sel sign-on 10 4 | median); roff=$(sel sign-off 10 4 | median)
  awk -v a="$ron" -v b="$roff" -v c="$con" -v d="$coff" 'BEGIN {
    printf "  %-28s %10s %10s %7.2f   %12s %12s %7.2f   (signing adds %.3f ms CPU/msg)\n", "submission 10 sessions",
      a, b, (b > 0 ? a / b : 0), c, d, (d > 0 ? c / d : 0), c - d }'
fi
echo "  Authentication-Results checks: $([ -n "$CHECKS_OK" ] && echo 'all passed' || echo 'FAILED (see above)')"
echo "# load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
[ -n "$CHECKS_OK" ]
