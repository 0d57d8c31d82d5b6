#!/usr/bin/env bash
# What a Prometheus scrape of /metrics costs with COUNT deferred messages queued (issue 10, Performance: under
# 10 ms with 100,000 queued):
#   bench/metrics-scrape.sh BASE [COUNT] [SCRAPES]      (defaults 100000 and 100)
# Tern from this checkout (./tern builds it), its data under BASE, SMTP on 127.0.0.1:2735 and the web listener on
# 127.0.0.1:2780. The queue is filled as deferred.sh fills it: smtp-source (Postfix) submits COUNT 1 KiB messages
# for someone@down.test, routed to 127.0.1.250:2537 where nothing listens, so each one is deferred after its first
# attempt (first retry in 30 minutes). Once tern_queue_messages{state="deferred"} says COUNT (at most 10 minutes),
# it times SCRAPES scrapes with curl -w %{time_total} twice: a new connection per scrape, and all over one
# keep-alive connection (as Prometheus scrapes); 2,000 warm-up scrapes and a wait for a quiet server before each
# series, and one series with the queue still empty for comparison. Prints median, p90, p99 and max in ms, the
# server's CPU per scrape (/proc/PID/stat), its own rendering time, and the queue gauges.
# All traffic on loopback; every wait bounded. Stops only the processes it started, by PID.
set -euo pipefail
base=$1; count=${2:-100000}; scrapes=${3:-100}
here=$(cd "$(dirname "$0")/.." && pwd)
url="http://127.0.0.1:2780/metrics"
command -v smtp-source > /dev/null || PATH="$PATH:/usr/sbin"
command -v smtp-source > /dev/null || { echo "smtp-source missing: apt-get install postfix (bench/README.md)" >&2; exit 1; }
mkdir -p "$base"; rm -rf "$base/data"
cat > "$base/tern.yaml" <<YAML
hostname: localhost
data_dir: $base/data
domains: [localhost]
smtp: {listen: ["127.0.0.1:2735"], relay_networks: ["127.0.0.0/8"]}
submission: {listen: []}
smtps: {listen: []}
imap: {listen: []}
imaps: {listen: []}
pop3: {listen: []}
pop3s: {listen: []}
web: {listen: ["127.0.0.1:2780"]}
delivery:
  first_retry: 30m
  max_retry: 1h
  routes:
    down.test: "[127.0.1.250]:2537"
YAML
"$here/tern" --version > /dev/null 2>&1 || true # builds the jar first if a source is newer
(setsid "$here/tern" run --config "$base/tern.yaml" > "$base/tern.log" 2>&1 < /dev/null &)
for _ in $(seq 1 600); do grep -q "tern started" "$base/tern.log" 2>/dev/null && break; sleep 0.1; done
pid=""
for _ in $(seq 1 50); do
  pid=$(ss -ltnpH 'sport = :2735' | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
  [ -n "$pid" ] && break; sleep 0.1
done
[ -n "$pid" ] || { echo "tern did not start; see $base/tern.log" >&2; exit 1; }
trap 'kill "$pid" 2>/dev/null || true' EXIT
echo "tern pid=$pid"
gauge() { curl -s "$url" | awk -v n="$1" '$1 == n {print $2}'; }
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; } # utime + stime, in clock ticks
quiet() { # until the server uses under 5% of a CPU for a second (at most 60 s): no delivery or GC under way
  local a b hz; hz=$(getconf CLK_TCK)
  for _ in $(seq 1 60); do a=$(cpu); sleep 1; b=$(cpu); [ $(( (b - a) * 100 )) -lt $(( hz * 5 )) ] && return 0; done
  echo "(the server did not go quiet in 60 s)"
}
# render: the server's own rendering time (tern_scrape_render_seconds): count, sum, how many took <= 10 ms and
# how many <= 1 ms.
render() { curl -s "$url" | awk '
  $1 == "tern_scrape_render_seconds_count" {c = $2} $1 == "tern_scrape_render_seconds_sum" {s = $2}
  $1 == "tern_scrape_render_seconds_bucket{le=\"0.01\"}" {b = $2}
  $1 == "tern_scrape_render_seconds_bucket{le=\"0.001\"}" {m = $2} END {print c, s, b, m}'; }
# series LABEL: SCRAPES timed scrapes after 2,000 warm-up ones, each way; prints one line per way, and the server's
# rendering time over both.
series() {
  local label=$1 i fresh kept before after cpu0 cpu1
  # Warm-up: 2,000 scrapes over one connection, so the JIT has compiled the scrape (a cold one renders in ms,
  # a compiled one in ~0.1 ms).
  curl -s $(for i in $(seq 1 2000); do printf -- '-o /dev/null %s ' "$url"; done)
  quiet
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  before=$(render); cpu0=$(cpu)
  fresh=$(for i in $(seq 1 "$scrapes"); do curl -s -o /dev/null -w '%{time_total}\n' "$url"; done)
  kept=$(curl -s $(for i in $(seq 1 "$scrapes"); do printf -- '-o /dev/null -w %%{time_total}\\n %s ' "$url"; done))
  cpu1=$(cpu); after=$(render)
  echo "$cpu0 $cpu1 $(getconf CLK_TCK)" | awk -v label="$label" -v n="$((2 * scrapes))" '{
    printf "%-22s %-26s %.3f ms per scrape (%d ticks over %d scrapes)\n", label, "server CPU (utime+stime)",
    ($2 - $1) * 1000 / $3 / n, $2 - $1, n }'
  echo "$before $after" | awk -v label="$label" '{ n = $5 - $1;
    printf "%-22s %-26s n=%d mean=%.3f ms, %d of them <= 1 ms, %d <= 10 ms\n",
    label, "server-side rendering", n, ($6 - $2) * 1000 / n, $8 - $4, $7 - $3 }'
  for way in fresh kept; do
    printf '%s\n' "${!way}" | sort -n | awk -v label="$label" -v way="$way" '
      { t[NR] = $1 * 1000 }
      END { n = NR; printf "%-22s %-26s n=%d median=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms\n", label,
            (way == "fresh" ? "new connection per scrape" : "one keep-alive connection"), n,
            t[int((n + 1) / 2)], t[int(n * 0.9 + 0.5)], t[int(n * 0.99 + 0.5)], t[n] }'
  done
}
series "queue empty"
echo "body: $(curl -s "$url" | wc -c) octets, $(curl -s "$url" | grep -vc '^#') samples"
t0=$(date +%s.%N)
smtp-source -s 50 -m "$count" -l 1024 -f bench@client.test -t someone@down.test 127.0.0.1:2735
t1=$(date +%s.%N); echo "injected $count in $(echo "$t1 - $t0" | bc) s"
for _ in $(seq 1 600); do
  d=$(gauge 'tern_queue_messages{state="deferred"}'); [ "${d%.*}" = "$count" ] && break; sleep 1
done
curl -s "$url" | grep -E '^tern_queue_|^tern_deliveries_total\{.*remote|^tern_messages_accepted_total\{listener="smtp"|^tern_spool_fsync_seconds_count'
series "$count deferred"
echo "body: $(curl -s "$url" | wc -c) octets, $(curl -s "$url" | grep -vc '^#') samples"
kill "$pid"; for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
trap - EXIT
