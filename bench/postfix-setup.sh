#!/bin/bash
# Start a private Postfix instance (and smtp-sink) on loopback for benchmarking, with no system Postfix.
#
#   bench/postfix-setup.sh [BASE_DIR]        (default: a new mktemp dir /tmp/pfbench.XXXXXX)
#
# Environment:
#   PF_PORT=2526        Postfix smtpd port on 127.0.0.1 (durable accept, delivers into a Maildir)
#   SINK_PORT=2527      smtp-sink port on 127.0.0.1 (the protocol ceiling: accepts and discards); 0 = don't start
#   PF_SMTPD_PROCS=250  max smtpd processes (Postfix runs one per session; the default_process_limit is 100)
#   PF_IN_FLOW_DELAY=0  Postfix's in_flow_delay (default 1s throttles smtpd when the queue manager lags;
#                       0 lets acceptance run at full speed and a backlog build, which flatters Postfix's
#                       acceptance rate, so it is the conservative choice for a comparison)
#
# Everything lives under BASE_DIR:
#   etc/     main.cf, master.cf          queue/   queue_directory (incoming, active, pid/master.pid, ...)
#   data/    data_directory              mail/<domain>/<local>/{new,cur,tmp}   the Maildirs (virtual(8))
#   maillog  Postfix's log (postlogd)    sink.pid, sink.log   smtp-sink
# bench@example.test and bench@localhost are Maildirs at mail/<domain>/bench/ (the same layout as Tern's
# data/mail/localhost/<local>/new/); any other local part there goes to mail/<domain>/catchall/.
# Nothing is relayed: any other domain gets 554 Relay access denied.
#
# Prints the ports, PIDs and the stop command (bench/postfix-stop.sh BASE_DIR). Requires root and the
# Debian package "postfix" installed with "No configuration" (see bench/README.md).
set -euo pipefail

PF_PORT=${PF_PORT:-2526}
SINK_PORT=${SINK_PORT:-2527}
PF_SMTPD_PROCS=${PF_SMTPD_PROCS:-250}
PF_IN_FLOW_DELAY=${PF_IN_FLOW_DELAY:-0}

command -v postfix >/dev/null || { echo "postfix is not installed; see bench/README.md" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "must run as root (Postfix's master drops privileges itself)" >&2; exit 1; }

BASE=${1:-$(mktemp -d /tmp/pfbench.XXXXXX)}
mkdir -p "$BASE"
BASE=$(cd "$BASE" && pwd)
chmod 755 "$BASE"
mkdir -p "$BASE/etc" "$BASE/queue" "$BASE/data" "$BASE/mail"

PF_UID=$(id -u postfix)
PF_GID=$(id -g postfix)
chown postfix:postfix "$BASE/mail" "$BASE/data"

# Postfix wants its standard lookup files in the config directory.
[ -f /etc/postfix/dynamicmaps.cf ] && cp /etc/postfix/dynamicmaps.cf "$BASE/etc/"
[ -d /etc/postfix/dynamicmaps.cf.d ] && cp -r /etc/postfix/dynamicmaps.cf.d "$BASE/etc/"

cat > "$BASE/etc/main.cf" <<EOF
compatibility_level = 3.6
config_directory = $BASE/etc
queue_directory = $BASE/queue
data_directory = $BASE/data
meta_directory = /etc/postfix
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = pfbench.test
mydomain = pfbench.test
myorigin = pfbench.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
maillog_file = $BASE/maillog
maillog_file_prefixes = $BASE
biff = no

# Accept mail for example.test and localhost into Maildirs: mail/<domain>/<local>/ (trailing / = Maildir).
mydestination =
local_recipient_maps =
relay_domains =
virtual_mailbox_domains = example.test, localhost
virtual_mailbox_base = $BASE/mail
virtual_mailbox_maps = texthash:$BASE/etc/vmailbox
virtual_uid_maps = static:$PF_UID
virtual_gid_maps = static:$PF_GID
virtual_minimum_uid = 1

# No relaying, no outbound mail at all.
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions =
default_transport = error:benchmark instance does not relay
relay_transport = error:benchmark instance does not relay

# Don't throttle the benchmark client.
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
smtpd_client_recipient_rate_limit = 0
smtpd_client_new_tls_session_rate_limit = 0
smtpd_client_event_limit_exceptions = 127.0.0.0/8
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 1000
smtpd_hard_error_limit = 1000
smtpd_peername_lookup = no
smtpd_delay_reject = no
in_flow_delay = ${PF_IN_FLOW_DELAY}s
default_process_limit = 300
virtual_destination_concurrency_limit = 20
message_size_limit = 52428800
virtual_mailbox_limit = 0
EOF

# Postfix forbids regexp substitution in mailbox paths, so name the benchmark mailboxes and catch the rest.
cat > "$BASE/etc/vmailbox" <<'EOF'
bench@example.test	example.test/bench/
bench@localhost		localhost/bench/
@example.test		example.test/catchall/
@localhost		localhost/catchall/
EOF

cat > "$BASE/etc/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command + args
127.0.0.1:$PF_PORT inet n   -       n       -       $PF_SMTPD_PROCS     smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF

if [ -f "$BASE/queue/pid/master.pid" ] && kill -0 "$(tr -d ' ' < "$BASE/queue/pid/master.pid")" 2>/dev/null; then
  echo "a Postfix master is already running for $BASE" >&2
  exit 1
fi

postfix -c "$BASE/etc" check >/dev/null 2>&1 || postfix -c "$BASE/etc" set-permissions >/dev/null 2>&1 || true
postfix -c "$BASE/etc" start
for _ in $(seq 1 50); do
  [ -s "$BASE/queue/pid/master.pid" ] && break
  sleep 0.1
done
MASTER_PID=$(tr -d ' \n' < "$BASE/queue/pid/master.pid")
kill -0 "$MASTER_PID"
echo "$MASTER_PID" > "$BASE/postfix.pid"

SINK_PID=
if [ "$SINK_PORT" != 0 ]; then
  # smtp-sink: accept and discard; -u drops root; backlog 4096.
  setsid smtp-sink -u postfix "127.0.0.1:$SINK_PORT" 4096 > "$BASE/sink.log" 2>&1 < /dev/null &
  SINK_PID=$!
  echo "$SINK_PID" > "$BASE/sink.pid"
fi

# Wait until both answer.
for port in "$PF_PORT" ${SINK_PID:+$SINK_PORT}; do
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    sleep 0.1
  done
done

cat <<EOF
postfix instance: $BASE
  postfix smtpd : 127.0.0.1:$PF_PORT   master PID $MASTER_PID (pass --pid $MASTER_PID to bench/run.sh: CPU is summed over its process tree)
  maildirs      : $BASE/mail/<domain>/<local>/new/   (e.g. $BASE/mail/example.test/bench/new)
  log           : $BASE/maillog
EOF
[ -n "$SINK_PID" ] && echo "  smtp-sink     : 127.0.0.1:$SINK_PORT   PID $SINK_PID"
echo "stop with     : bench/postfix-stop.sh $BASE"
