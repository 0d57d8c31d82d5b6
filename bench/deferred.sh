#!/usr/bin/env bash
# A queue of COUNT deferred messages (their remote down), then the remote back (issue 7, Performance):
#   bench/deferred.sh BASE [COUNT]      (default 100000)
# Prints: the heap in use after a full GC with COUNT queued, the time from start to serving on a restart with
# them, the time of `tern queue list --json`, and the drain rate once an smtp-sink listens where they go.
# Tern from this checkout (./tern builds it), its data under BASE; all traffic on loopback (127.0.0.1:2725 and the
# sink on 127.0.1.250:2527); every wait bounded. Stops only the processes it started, by PID.
set -euo pipefail
base=$1; count=${2:-100000}
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$base"; rm -rf "$base/data"
cat > "$base/tern.yaml" <<YAML
hostname: localhost
data_dir: $base/data
domains: [localhost]
smtp: {listen: ["127.0.0.1:2725"], relay_networks: ["127.0.0.0/8"]}
submission: {listen: []}
smtps: {listen: []}
delivery:
  first_retry: 30m
  max_retry: 1h
  routes:
    down.test: "[127.0.1.250]:2527"
YAML
start() { # starts Tern, prints its PID once it serves
  (setsid "$here/tern" run --config "$base/tern.yaml" > "$base/tern.log" 2>&1 < /dev/null &)
  for _ in $(seq 1 600); do
    grep -q "tern started" "$base/tern.log" 2>/dev/null && break; sleep 0.1
  done
  ss -ltnpH 'sport = :2725' | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2
}
queued() { "$here/tern" queue summary --data "$base/data" 2>/dev/null | awk '$1 == "TOTAL" {print $2}'; }
pid=$(start); echo "tern pid=$pid"
t0=$(date +%s.%N)
smtp-source -s 50 -m "$count" -l 1024 -f bench@client.test -t someone@down.test 127.0.0.1:2725
t1=$(date +%s.%N); echo "injected $count in $(echo "$t1 - $t0" | bc) s"
for _ in $(seq 1 120); do [ "$(queued)" = "$count" ] && break; sleep 1; done
echo "queued: $(queued)"
jcmd "$pid" GC.run > /dev/null; sleep 2
jcmd "$pid" GC.heap_info | grep -E "garbage-first heap|used" | head -2
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status"); echo "rss: $((rss / 1024)) MiB"
l0=$(date +%s.%N); "$here/tern" queue list --json --data "$base/data" > "$base/list.jsonl"; l1=$(date +%s.%N)
echo "queue list --json: $(wc -l < "$base/list.jsonl") lines in $(echo "$l1 - $l0" | bc) s (JVM start included)"
kill "$pid"; for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
r0=$(date +%s.%N); pid=$(start); r1=$(date +%s.%N)
echo "restart to serving: $(echo "$r1 - $r0" | bc) s (JVM start included); $(grep -o 'queue resumed messages=[0-9]*' "$base/tern.log")"
sink=$(command -v smtp-sink || echo /usr/sbin/smtp-sink)
"$sink" -u postfix 127.0.1.250:2527 256 > "$base/sink.out" 2>&1 & sinkpid=$!
sleep 1
d0=$(date +%s.%N); "$here/tern" queue flush --data "$base/data" > /dev/null
for _ in $(seq 1 900); do [ "$(queued)" = "0" ] && break; sleep 1; done
d1=$(date +%s.%N)
echo "drained: $(queued) left after $(echo "$d1 - $d0" | bc) s: $(echo "$count / ($d1 - $d0)" | bc) msgs/s"
kill "$sinkpid" "$pid" 2>/dev/null || true
