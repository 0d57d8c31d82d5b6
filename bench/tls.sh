#!/bin/bash
# The cost of TLS on acceptance, and TLS handshakes per second, against Tern (or any server with the same
# three listeners) on loopback; interleaved repetitions, then medians. See bench/README.md ("TLS").
#
#   bench/tls.sh run OUT.tsv [options]      measure, appending one RESULT line per point to OUT.tsv
#   bench/tls.sh summary OUT.tsv            medians per point (msgs/s, p50, p99, server CPU ms/msg)
#
# run options:
#   --pid PID            the server's process (server CPU per message / per handshake)
#   --user U --password P  an account on the server (AUTH PLAIN on SMTPS and submission); "{i}" in U is the
#                        session's number (bench{i}@localhost: one account per session)
#   --source-spread      session i connects from 127.0.0.(10+i): one client address per session
#   --host 127.0.0.1     --smtp 2525  --submission 2587  --smtps 2465
#   --reps 3             repetitions; each repetition runs every point once, in the same order
#   --secs 7             measured seconds per point
#   --sessions 1,10,50   sessions for the acceptance points
#   --maildir DIR        the recipient's Maildir: the files in DIR/new are deleted before each point
#   --points LIST        subset of accept,smtps,sub,hs (default accept,sub,hs): accept = plaintext / STARTTLS on
#                        SMTP / SMTPS+AUTH at each session count; smtps = only SMTPS+AUTH at each session count; sub = STARTTLS+AUTH on submission at 10 sessions (separates the
#                        AUTH cost from the TLS cost); hs = handshakes/s, TLS 1.3 and 1.2, 1 and 10 threads
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cmd=${1:-}; out=${2:-}
[ -n "$cmd" ] && [ -n "$out" ] || { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
shift 2

if [ "$cmd" = summary ]; then
  # Lines: label<TAB>RESULT ... k=v ...; median of per_s, p50_ms, p99_ms, cpu_ms_per_msg/handshake per label.
  awk -F'\t' '
    function med(s,   a, n, i, j, t) { n = split(s, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n == 0 ? "n/a" : (n % 2 ? a[(n + 1) / 2] : sprintf("%.2f", (a[n / 2] + a[n / 2 + 1]) / 2)) }
    { lab = $1; if (!(lab in seen)) { seen[lab] = 1; order[++nl] = lab }
      n = split($2, f, " "); for (i = 1; i <= n; i++) { split(f[i], kv, "="); k = kv[1]
        if (k == "per_s" || k == "p50_ms" || k == "p99_ms" || k == "tls_p50_ms" || k == "cpu_ms_per_msg" || k == "cpu_ms_per_handshake") { v[lab, k] = v[lab, k] " " kv[2] }
        if (k == "errors") err[lab] += kv[2]; if (k == "proto") proto[lab] = kv[2] }
      reps[lab]++ }
    END { printf "%-28s %4s %9s %8s %8s %8s %10s %6s  %s\n", "point", "reps", "per_s", "p50_ms", "p99_ms", "tls_p50", "cpu_ms", "errors", "negotiated"
      for (i = 1; i <= nl; i++) { l = order[i]; c = v[l, "cpu_ms_per_msg"] != "" ? v[l, "cpu_ms_per_msg"] : v[l, "cpu_ms_per_handshake"]
        printf "%-28s %4d %9s %8s %8s %8s %10s %6d  %s\n", l, reps[l], med(v[l, "per_s"]), med(v[l, "p50_ms"]), med(v[l, "p99_ms"]), med(v[l, "tls_p50_ms"]), med(c), err[l], proto[l] } }' "$out"
  exit 0
fi
[ "$cmd" = run ] || { echo "unknown command $cmd" >&2; exit 2; }

PID=; USER_=; PASS=; HOST=127.0.0.1; SMTP=2525; SUB=2587; SMTPS=2465; REPS=3; SECS=7; SESSIONS=1,10,50; MAILDIR=; POINTS=accept,sub,hs; SPREAD=
while [ $# -gt 0 ]; do
  case "$1" in
    --pid) PID=$2; shift 2;; --user) USER_=$2; shift 2;; --password) PASS=$2; shift 2;;
    --host) HOST=$2; shift 2;; --smtp) SMTP=$2; shift 2;; --submission) SUB=$2; shift 2;; --smtps) SMTPS=$2; shift 2;;
    --reps) REPS=$2; shift 2;; --secs) SECS=$2; shift 2;; --sessions) SESSIONS=$2; shift 2;;
    --maildir) MAILDIR=$2; shift 2;; --points) POINTS=$2; shift 2;; --source-spread) SPREAD=--source-spread; shift;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
case "$HOST" in 127.*|localhost|::1) ;; *) echo "refusing: $HOST is not a loopback address" >&2; exit 2;; esac
has() { case ",$POINTS," in *",$1,"*) return 0;; *) return 1;; esac; }
if [ -f "$here/../.mvn/find-jdk.sh" ]; then . "$here/../.mvn/find-jdk.sh" || true; fi
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/java}
[ -x "${JAVA:-}" ] || JAVA=java
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
common=(--secs "$SECS" --max-s 200 ${PID:+--pid "$PID"} $SPREAD)
auth=(--user "$USER_" --password "$PASS" --warmup 100)   # AUTH PLAIN costs an Argon2id hash: a shorter warm-up

clean() { [ -n "$MAILDIR" ] && [ -d "$MAILDIR/new" ] && find "$MAILDIR/new" -maxdepth 1 -type f -delete; true; }
point() {  # point LABEL ARGS...: one SmtpBench run; its RESULT line goes to $out with the label
  local label=$1; shift
  clean
  local line
  local all
  all=$("$JAVA" "$here/SmtpBench.java" "$@" 2>&1)
  printf '%s\n' "$all" >&2
  line=$(printf '%s\n' "$all" | grep '^RESULT ' | tail -1)
  [ -n "$line" ] || line="RESULT failed"
  printf '%s\t%s\t%s\n' "$label" "$line" "$(date -u +%FT%TZ)" >> "$out"
  printf '== %-28s %s\n' "$label" "$line"
}

for ((r = 1; r <= REPS; r++)); do
  echo "=== repetition $r of $REPS"
  if has accept; then
    for s in ${SESSIONS//,/ }; do
      point "plain s=$s"         accept "$HOST:$SMTP"  --tls none     --sessions "$s" "${common[@]}"
      point "starttls s=$s"      accept "$HOST:$SMTP"  --tls starttls --sessions "$s" "${common[@]}"
      [ -n "$USER_" ] && point "smtps+auth s=$s" accept "$HOST:$SMTPS" --tls implicit --sessions "$s" "${auth[@]}" "${common[@]}"
    done
  fi
  if has smtps && [ -n "$USER_" ]; then
    for s in ${SESSIONS//,/ }; do
      point "smtps+auth s=$s" accept "$HOST:$SMTPS" --tls implicit --sessions "$s" "${auth[@]}" "${common[@]}"
    done
  fi
  if has sub && [ -n "$USER_" ]; then
    point "sub starttls+auth s=10" accept "$HOST:$SUB" --tls starttls --sessions 10 "${auth[@]}" "${common[@]}"
  fi
  if has hs; then
    for v in TLSv1.3 TLSv1.2; do
      for t in 1 10; do
        point "handshake $v t=$t" handshake "$HOST:$SMTPS" --tls-version "$v" --sessions "$t" "${common[@]}"
      done
    done
  fi
done
"$0" summary "$out"
