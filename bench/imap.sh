#!/bin/bash
# The IMAP benchmark of issue 8: the same client (bench/ImapBench.java) against Dovecot and, if given, Tern,
# in the same run, interleaved (rep 1: dovecot, tern; rep 2: dovecot, tern; ...); then medians, spread and
# Tern/Dovecot ratios. See bench/README.md, "IMAP and POP3 (issue 8)".
#
#   bench/imap.sh [options]                 run, then print the summary
#   bench/imap.sh summary FILE.tsv          the summary of an earlier run's TSV
#
# Options:
#   --reps R               repetitions (default 3)
#   --count N              messages put into INBOX before the read points (default 10000)
#   --appends N            messages of the timed APPEND point (default 1000)
#   --idle-sessions K      sessions in IDLE for the latency point (default 10); --deliveries N (default 100)
#   --mem-sessions M       idle logged-in sessions for the memory point (default 1000; 0 = skip)
#   --steps LIST           subset of fill,points,append,idle,idlefile,memory (default: all)
#   --out FILE             the TSV of RESULT values (default: a new /tmp/imapbench.XXXXXX.tsv)
#   --no-dovecot           do not start Dovecot (Tern alone)
#   --dovecot-base DIR     where to make the Dovecot instance (default: a new mktemp dir; stopped at the end)
#   --tern HOST:PORT       a running Tern IMAP listener (plaintext LOGIN allowed on loopback), e.g. 127.0.0.1:2143
#   --tern-user U --tern-password P   its account
#   --tern-maildir DIR     the account's INBOX Maildir (enables fill by files and IDLE by file; else APPEND)
#   --tern-pid PID         the Tern JVM (enables the memory point: RSS, and heap after a full GC by jcmd)
# Dovecot's instance is made by bench/dovecot-setup.sh (env DC_IMAP_PORT=3143, DC_USER, DC_PASS, DC_RUN_AS).
# Each step is bounded: the client's own --max-s and timeout(1) around it.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)

summary() {
  local tsv=$1
  awk -F'\t' '
    function med(s,   n, a, i, j, t) { n = split(s, a, " "); if (n == 0) return "";
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
      return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    function spread(s,   n, a, i, lo, hi) { n = split(s, a, " "); if (n < 2) return ""; lo = hi = a[1] + 0;
      for (i = 2; i <= n; i++) { if (a[i] + 0 < lo) lo = a[i] + 0; if (a[i] + 0 > hi) hi = a[i] + 0 } return lo "-" hi }
    $4 ~ /^-?[0-9.]+$/ { k = $2 SUBSEP $3; v[k] = v[k] " " $4; if (!($2 in sv)) { sv[$2] = 1; servers[++ns] = $2 } }
    END {
      if (ns == 0) { print "(no figures: every step failed; see the messages above)"; exit }
      n = split("points.select1_s|first SELECT (files just dropped into new/)|s;points.select2_s|second SELECT (new connection)|s;points.fetch_flags_s|FETCH 1:* (UID FLAGS)|s;points.fetch_envelope_s|FETCH 1:* (ENVELOPE), first|s;points.fetch_envelope2_s|FETCH 1:* (ENVELOPE), again|s;points.search_s|SEARCH TEXT word, first|s;points.search2_s|SEARCH TEXT word, again|s;points.search_hits|  its hits|n;points.select1_cpu_ms|  server CPU: first SELECT|ms;points.fetch_flags_cpu_ms|  server CPU: FETCH (UID FLAGS)|ms;points.fetch_envelope_cpu_ms|  server CPU: FETCH (ENVELOPE), first|ms;points.search_cpu_ms|  server CPU: SEARCH TEXT, first|ms;points.uid_fetch_peek_ms|UID FETCH n BODY.PEEK[]|ms;points.uid_fetch_body_ms|UID FETCH n BODY[] (sets \\Seen)|ms;append.secs|APPEND of --appends messages, lock-step|s;append.per_s|  APPEND rate|msgs/s;append.p50_ms|  APPEND p50|ms;append.p99_ms|  APPEND p99|ms;append.cpu_ms_per_msg|  server CPU per APPEND|ms;idle.p50_ms|IDLE: APPEND OK to * n EXISTS, p50|ms;idle.p99_ms|IDLE: APPEND OK to * n EXISTS, p99|ms;idle.not_seen|  notifications missed|n;idlefile.p50_ms|IDLE: rename into new/ to EXISTS, p50|ms;idlefile.p99_ms|IDLE: rename into new/ to EXISTS, p99|ms;idlefile.not_seen|  notifications missed|n;memory.held|idle sessions held (LOGIN, SELECT, IDLE)|n;memory.done_ok|  answering DONE with OK|n;memory.mem_per_session_kib|memory per idle session (*)|KiB;memory.rss_per_session_kib|  RSS of the PID per session|KiB;memory.pss_mib|  server PSS (process tree) while held|MiB", rows, ";")
      A = ""; B = ""
      for (i = 1; i <= ns; i++) { if (servers[i] == "tern") A = "tern"; if (servers[i] == "dovecot") B = "dovecot" }
      printf "| %-45s | %-6s |", "point", "unit"
      for (i = 1; i <= ns; i++) printf " %-22s |", servers[i] " median (min-max)"
      if (A != "" && B != "") printf " tern/dovecot |"
      printf "\n|%s|%s|", "---", "---"; for (i = 1; i <= ns; i++) printf "---|"; if (A != "" && B != "") printf "---|"; printf "\n"
      for (r = 1; r <= n; r++) {
        split(rows[r], f, "|"); any = 0
        for (i = 1; i <= ns; i++) if ((servers[i] SUBSEP f[1]) in v) any = 1
        if (!any) continue
        printf "| %-45s | %-6s |", f[2], f[3]
        for (i = 1; i <= ns; i++) { k = servers[i] SUBSEP f[1]; m = med(v[k]); s = spread(v[k])
          printf " %-22s |", (m == "" ? "" : m (s == "" ? "" : " (" s ")")) }
        if (A != "" && B != "") { ma = med(v[A SUBSEP f[1]]); mb = med(v[B SUBSEP f[1]])
          printf " %12s |", (ma != "" && mb != "" && mb + 0 > 0 && f[3] != "n") ? sprintf("%.2fx", ma / mb) : "" }
        printf "\n"
      }
      print "(*) Dovecot: PSS of its process tree (one imap process per session); a JVM: heap after a full GC (jcmd), else RSS."
      print "Times: lower is better (a tern/dovecot ratio under 1 means Tern is faster); rates: higher is better."
    }' "$tsv"
}

if [ "${1:-}" = summary ]; then summary "${2:?usage: imap.sh summary FILE.tsv}"; exit 0; fi

REPS=3; COUNT=10000; APPENDS=1000; IDLE_K=10; DELIV=100; MEM_M=1000; STEPS=fill,points,append,idle,idlefile,memory
OUT=; DOVECOT=1; DC_BASE=; TERN=; TERN_USER=; TERN_PASS=; TERN_MAILDIR=; TERN_PID=
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) REPS=$2; shift 2;;
    --count) COUNT=$2; shift 2;;
    --appends) APPENDS=$2; shift 2;;
    --idle-sessions) IDLE_K=$2; shift 2;;
    --deliveries) DELIV=$2; shift 2;;
    --mem-sessions) MEM_M=$2; shift 2;;
    --steps) STEPS=$2; shift 2;;
    --out) OUT=$2; shift 2;;
    --no-dovecot) DOVECOT=; shift;;
    --dovecot-base) DC_BASE=$2; shift 2;;
    --tern) TERN=$2; shift 2;;
    --tern-user) TERN_USER=$2; shift 2;;
    --tern-password) TERN_PASS=$2; shift 2;;
    --tern-maildir) TERN_MAILDIR=$2; shift 2;;
    --tern-pid) TERN_PID=$2; shift 2;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2;;
  esac
done
has() { case ",$STEPS," in *",$1,"*) return 0;; *) return 1;; esac; }
if [ -n "$TERN" ]; then
  case "${TERN%:*}" in 127.*|localhost) ;; *) echo "refusing: $TERN is not a loopback address" >&2; exit 2;; esac
  [ -n "$TERN_USER" ] && [ -n "$TERN_PASS" ] || { echo "--tern needs --tern-user and --tern-password" >&2; exit 2; }
fi
[ -n "$DOVECOT" ] || [ -n "$TERN" ] || { echo "nothing to measure: --no-dovecot and no --tern" >&2; exit 2; }

# A JDK 25 for ImapBench.java: $JAVA_HOME, then the project's finder, then /usr/lib/jvm.
if [ -f "$here/../.mvn/find-jdk.sh" ]; then . "$here/../.mvn/find-jdk.sh" >/dev/null 2>&1 || true; fi
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/java}
[ -x "${JAVA:-}" ] || JAVA=$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)
[ -x "${JAVA:-}" ] || JAVA=java
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ -n "$OUT" ] || OUT=$(mktemp /tmp/imapbench.XXXXXX.tsv)

DC_STARTED=
cleanup() { if [ -n "$DC_STARTED" ]; then "$here/dovecot-setup.sh" stop "$DC_BASE"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM
SERVERS=()
if [ -n "$DOVECOT" ]; then
  [ -n "$DC_BASE" ] || DC_BASE=$(mktemp -d /tmp/dcbench.XXXXXX)
  if ! "$here/dovecot-setup.sh" start "$DC_BASE"; then echo "could not start Dovecot" >&2; exit 1; fi
  DC_STARTED=1
  DC_TARGET="${DC_ADDR:-127.0.0.1}:${DC_IMAP_PORT:-3143}"
  SERVERS+=("dovecot|$DC_TARGET|${DC_USER:-bench}|${DC_PASS:-benchpass-1234}|$DC_BASE/home/${DC_USER:-bench}/Maildir|$(cat "$DC_BASE/dovecot.pid")")
fi
[ -n "$TERN" ] && SERVERS+=("tern|$TERN|$TERN_USER|$TERN_PASS|$TERN_MAILDIR|$TERN_PID")

# step LABEL NAME KEYPREFIX TIMEOUT_S ImapBench-args...: runs the client, prints its report, appends RESULT values.
step() {
  local label=$1 name=$2 prefix=$3 limit=$4; shift 4
  local out rc
  out=$(timeout --kill-after=10 "$((limit + 30))" "$JAVA" "$here/ImapBench.java" "$@" --max-s "$limit" 2>&1); rc=$?
  echo "$out" | sed "s/^/  [$label $name] /"
  local res; res=$(echo "$out" | grep '^RESULT ' | tail -1)
  if [ "$rc" != 0 ] || [ -z "$res" ] || echo "$res" | grep -q ' error='; then
    echo "  [$label $name] FAILED (rc=$rc)" >&2
    printf '%s\t%s\t%s\t%s\n' "$REP" "$label" "$prefix.failed" 1 >> "$OUT"
    return 1
  fi
  local kv
  for kv in ${res#RESULT * }; do
    printf '%s\t%s\t%s\t%s\n' "$REP" "$label" "$prefix.${kv%%=*}" "${kv#*=}" >> "$OUT"
  done
  # One comparable memory figure per server.
  if [ "$prefix" = memory ]; then
    local v
    v=$(echo "$res" | grep -o ' heap_per_session_kib=[^ ]*' | cut -d= -f2)
    [ -n "$v" ] || v=$(echo "$res" | grep -o ' pss_per_session_kib=[^ ]*' | cut -d= -f2)
    [ -n "$v" ] || v=$(echo "$res" | grep -o ' rss_per_session_kib=[^ ]*' | cut -d= -f2)
    [ -n "$v" ] && printf '%s\t%s\t%s\t%s\n' "$REP" "$label" "memory.mem_per_session_kib" "$v" >> "$OUT"
  fi
  return 0
}

echo "IMAP benchmark: ${#SERVERS[@]} server(s), $REPS repetition(s), $COUNT messages; TSV: $OUT"
for REP in $(seq 1 "$REPS"); do
  for spec in "${SERVERS[@]}"; do
    IFS='|' read -r label target user pass maildir pid <<< "$spec"
    echo "=== repetition $REP/$REPS: $label ($target) $(date -u +%T)"
    auth=(--user "$user" --password "$pass")
    if ! step "$label" clear clear 300 clear "$target" "${auth[@]}"; then
      echo "  [$label] skipped this repetition: the server did not answer" >&2; continue
    fi
    if has fill; then
      if [ -n "$maildir" ]; then step "$label" fill fill 300 fill "$target" "${auth[@]}" --count "$COUNT" --maildir "$maildir"
      else step "$label" fill fill 900 fill "$target" "${auth[@]}" --count "$COUNT"; fi
    fi
    has points && step "$label" points points 300 points "$target" "${auth[@]}" ${pid:+--pid "$pid"}
    has append && step "$label" append append 600 append "$target" "${auth[@]}" --count "$APPENDS" ${pid:+--pid "$pid"}
    has idle && step "$label" idle idle 600 idle "$target" "${auth[@]}" --sessions "$IDLE_K" --deliveries "$DELIV" --via append
    if has idlefile && [ -n "$maildir" ]; then
      step "$label" idlefile idlefile 600 idle "$target" "${auth[@]}" --sessions "$IDLE_K" --deliveries "$DELIV" --via file --maildir "$maildir"
    fi
    if has memory && [ "$MEM_M" -gt 0 ] && [ -n "$pid" ]; then
      jc=()
      case "$(readlink "/proc/$pid/exe" 2>/dev/null)" in */java) jc=(--jcmd);; esac
      step "$label" memory memory 900 memory "$target" "${auth[@]}" --sessions "$MEM_M" --pid "$pid" "${jc[@]}"
    fi
  done
done

echo
echo "## IMAP, $COUNT messages in INBOX, $REPS repetition(s), $(date -u +%FT%TZ) (TSV: $OUT)"
summary "$OUT"
