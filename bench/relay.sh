#!/bin/bash
# Relay benchmark (issue 7 "Performance"): 1 KiB messages submitted with smtp-source over 50 sessions to a
# server that relays them to smtp-sink on loopback; delivered-to-sink messages/s, server CPU per relayed
# message, and new connections per message at the sink. Tern and Postfix side by side, same load, same sinks.
#
#   bench/relay.sh setup BASE            sinks on 127.0.1.1..100:2527, a Postfix relay on 127.0.0.1:2536,
#                                        a Tern config in BASE/tern.yaml (run Tern yourself, see bench/README.md)
#   bench/relay.sh run LABEL HOST:PORT PID DESTS COUNT BASE [alias|direct]
#                                        DESTS = 1 or 100; COUNT messages (a multiple of 100); alias:
#                                        to rN@localhost (Tern), direct: to sink@dN.test (Postfix)
#   bench/relay.sh stop BASE             stops the sinks and the Postfix relay
#
# Both relay from loopback directly ("direct": to sink@dN.test; Tern through smtp.relay_networks, Postfix through
# mynetworks). "alias" (to rN@localhost -> sink@dN.test) makes each relayed message a local alias delivery and a
# forward queued again in Tern: two spool messages per relayed one. dN.test is routed to [127.0.1.N]:2527 by both (Tern:
# delivery.routes; Postfix: a transport map), so there is no DNS in the measurement. All loopback; every wait
# bounded (--max 300 s per run).
set -euo pipefail
SINK_PORT=2527
RELAY_PORT=${RELAY_PORT:-2536}
MAX_S=${MAX_S:-300}

cpu_ticks() { # utime+stime of PID and its live descendant processes (not threads: -T), plus what exited children left in cutime/cstime
  local pid=$1 total=0 p
  for p in $(pstree -p -T "$pid" 2>/dev/null | grep -o '([0-9]*)' | tr -d '()'); do
    [ -r /proc/$p/stat ] || continue
    read -r -a f < <(sed 's/^.*) //' /proc/$p/stat)
    total=$((total + f[11] + f[12]))
    [ "$p" = "$pid" ] && total=$((total + f[13] + f[14]))
  done
  echo $total
}

sink_totals() { # "sessions messages" summed over every sink's last counter line
  local base=$1 s=0 m=0 line
  for f in "$base"/sinks/*.out; do
    line=$(tr '\r' '\n' < "$f" | grep -a 'sess=' | tail -n 1 || true)
    [ -z "$line" ] && continue
    s=$((s + $(sed 's/.*sess=\([0-9]*\).*/\1/' <<<"$line")))
    m=$((m + $(sed 's/.*mesg=\([0-9]*\).*/\1/' <<<"$line")))
  done
  echo "$s $m"
}

setup() {
  local base=$1
  mkdir -p "$base/sinks"
  for n in $(seq 1 100); do
    ip addr show lo | grep -q "127.0.1.$n/" || true   # 127.0.0.0/8 is all loopback on Linux: no alias needed
    setsid smtp-sink -u postfix -c "127.0.1.$n:$SINK_PORT" 1024 > "$base/sinks/$n.out" 2>&1 < /dev/null &
    echo $! > "$base/sinks/$n.pid"
  done
  # Postfix: the private instance of postfix-setup.sh, then turned into a relay for d1..d100.test.
  SINK_PORT=0 PF_PORT=$RELAY_PORT bench/postfix-setup.sh "$base/postfix" > "$base/postfix.txt"
  local etc=$base/postfix/etc
  : > "$etc/transport"
  for n in $(seq 1 100); do echo "d$n.test smtp:[127.0.1.$n]:$SINK_PORT" >> "$etc/transport"; done
  {
    echo "relay_domains = $(seq -f 'd%g.test' -s ', ' 1 100)"
    echo "transport_maps = texthash:$etc/transport"
    echo "relay_transport = smtp"
    echo "default_transport = smtp"
    echo "smtp_tls_security_level = may"
    echo "smtp_helo_name = pfbench.test"
  } >> "$etc/main.cf"
  echo "smtp      unix  -       -       n       -       -       smtp" >> "$etc/master.cf"
  # A reload left postlogd stuck (smtpd blocked logging to it): stop and start instead.
  postfix -c "$etc" stop > /dev/null 2>&1; sleep 1; postfix -c "$etc" start > /dev/null 2>&1; sleep 1
  tr -d " \n" < "$base/postfix/queue/pid/master.pid" > "$base/postfix/postfix.pid"
  # Tern: routes and aliases for the same domains.
  {
    echo "hostname: localhost"
    echo "data_dir: $base/tern-data"
    echo "domains: [localhost]"
    echo 'smtp: {listen: ["127.0.0.1:2625"], relay_networks: ["127.0.0.0/8"]}'
    echo "submission: {listen: []}"
    echo "smtps: {listen: []}"
    echo "aliases:"
    for n in $(seq 1 100); do echo "  r$n@localhost: [sink@d$n.test]"; done
    echo "delivery:"
    echo "  routes:"
    for n in $(seq 1 100); do echo "    d$n.test: \"[127.0.1.$n]:$SINK_PORT\""; done
  } > "$base/tern.yaml"
  cat "$base/postfix.txt"
  echo "sinks: 127.0.1.1..100:$SINK_PORT; tern config: $base/tern.yaml"
}

run() { # LABEL HOST:PORT PID DESTS COUNT BASE
  local label=$1 target=$2 pid=$3 dests=$4 count=$5 base=$6
  local rcpt_domain=$7  # "localhost" with aliases rN (Tern), or "dN.test" form (Postfix) via "direct"
  read -r s0 m0 < <(sink_totals "$base")
  local c0 t0 t1 per=$((count / 50))
  c0=$(cpu_ticks "$pid"); t0=$(date +%s.%N)
  for k in $(seq 0 49); do
    (
      # 50 sessions; with 100 destinations, session k sends half to destination k+1 and half to k+51.
      for d in $( [ "$dests" = 1 ] && echo 1 || echo $((k + 1)) $((k + 51)) ); do
        n=$([ "$dests" = 1 ] && echo "$per" || echo $((per / 2)))
        if [ "$rcpt_domain" = alias ]; then to="r$d@localhost"; else to="sink@d$d.test"; fi
        smtp-source -s 1 -l 1024 -m "$n" -f bench@client.test -t "$to" "$target" 2>>"$base/source.err"
      done
    ) &
  done
  wait
  local accepted; accepted=$(date +%s.%N)
  local deadline=$(( $(date +%s) + MAX_S )) s m
  while :; do
    read -r s m < <(sink_totals "$base")
    [ $((m - m0)) -ge "$count" ] && break
    [ "$(date +%s)" -ge "$deadline" ] && { echo "timeout: $((m - m0)) of $count delivered" >&2; break; }
    sleep 0.05
  done
  t1=$(date +%s.%N)
  local c1; c1=$(cpu_ticks "$pid")
  # Connections: wait for the idle connections to be closed (Tern 2 s, Postfix 2 s) so sess counts all of them.
  sleep 3
  read -r s m < <(sink_totals "$base")
  local hz; hz=$(getconf CLK_TCK)
  awk -v l="$label" -v d="$dests" -v n="$((m - m0))" -v t0="$t0" -v ta="$accepted" -v t1="$t1" \
      -v c="$((c1 - c0))" -v hz="$hz" -v conns="$((s - s0))" 'BEGIN {
    printf "RESULT relay label=%s dests=%d delivered=%d secs=%.2f accept_secs=%.2f msgs_per_s=%.1f cpu_ms_per_msg=%.3f conns=%d conns_per_msg=%.4f\n",
      l, d, n, t1 - t0, ta - t0, n / (t1 - t0), c * 1000 / hz / n, conns, conns / n }'
}

stop() {
  local base=$1
  for f in "$base"/sinks/*.pid; do kill "$(cat "$f")" 2>/dev/null || true; done
  [ -d "$base/postfix" ] && bench/postfix-stop.sh "$base/postfix" || true
}

case "${1:-}" in
  setup) setup "$2" ;;
  run) run "$2" "$3" "$4" "$5" "$6" "$7" "${8:-alias}" ;;
  stop) stop "$2" ;;
  *) sed -n 2,16p "$0"; exit 2 ;;
esac
