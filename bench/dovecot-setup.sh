#!/bin/bash
# A private Dovecot (IMAP + POP3, Maildir, passwd-file) on loopback for benchmarking, run as a non-root
# user with its own config file; no system Dovecot is started or touched.
#
#   bench/dovecot-setup.sh start [BASE_DIR]    (default: a new mktemp dir /tmp/dcbench.XXXXXX); prints the PID
#   bench/dovecot-setup.sh stop BASE_DIR [--purge]
#
# Environment:
#   DC_ADDR=127.0.0.1    listen address (must be 127.x.x.x)
#   DC_IMAP_PORT=3143    IMAP (no TLS: ssl = no; plaintext LOGIN / AUTHENTICATE PLAIN allowed)
#   DC_POP3_PORT=3110    POP3 (0 = no POP3)
#   DC_USER=bench        the account; DC_PASS=benchpass-1234
#   DC_RUN_AS            the OS user Dovecot runs as (default: the caller, or "nobody" when started as root)
#   DC_MAX_SESSIONS=12000  imap process_limit and mail_max_userip_connections (Dovecot: one process per session)
#
# Everything lives under BASE_DIR:
#   dovecot.conf  the config (dovecot -c)       run/        base_dir (master, auth, login sockets)
#   passwd        passwd-file (passdb+userdb)   home/bench/Maildir/{new,cur,tmp}   the account's INBOX
#   dovecot.log   log_path and info_log_path    dovecot.pid the master's PID (also run/master.pid)
# Dovecot's defaults are kept where the benchmark does not need otherwise (index files in the Maildir,
# mail_fsync = optimized, high-security login processes: service_count = 1); what is changed is listed below.
set -euo pipefail

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
cmd=${1:-}; shift || true
DOVECOT=${DOVECOT:-/usr/sbin/dovecot}

stop() {
  local base=${1:?usage: dovecot-setup.sh stop BASE_DIR [--purge]}
  base=$(cd "$base" && pwd) || exit 1
  if [ -f "$base/dovecot.pid" ]; then
    local pid; pid=$(cat "$base/dovecot.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"    # the master stops its children (imap, imap-login, auth, ...) and exits
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; echo "killed dovecot master (PID $pid)"; else echo "stopped dovecot master (PID $pid)"; fi
    else
      echo "dovecot (PID $pid) is not running"
    fi
    rm -f "$base/dovecot.pid"
  else
    echo "no $base/dovecot.pid"
  fi
  if [ "${2-}" = --purge ]; then
    case "$base" in /tmp/*) rm -rf "$base"; echo "removed $base";; *) echo "not purging $base (not under /tmp)";; esac
  fi
}

start() {
  [ -x "$DOVECOT" ] || { echo "$DOVECOT not found: apt-get install dovecot-imapd dovecot-pop3d (it need not run)" >&2; exit 1; }
  local addr=${DC_ADDR:-127.0.0.1} imap_port=${DC_IMAP_PORT:-3143} pop3_port=${DC_POP3_PORT:-3110}
  local user=${DC_USER:-bench} pass=${DC_PASS:-benchpass-1234} max=${DC_MAX_SESSIONS:-12000}
  case "$addr" in 127.*) ;; *) echo "refusing: $addr is not a loopback address" >&2; exit 2;; esac
  local run_as=${DC_RUN_AS:-}
  if [ -z "$run_as" ]; then if [ "$(id -u)" = 0 ]; then run_as=nobody; else run_as=$(id -un); fi; fi
  local uid gid; uid=$(id -u "$run_as"); gid=$(id -g "$run_as")
  [ "$uid" != 0 ] || { echo "refusing to run Dovecot as root (DC_RUN_AS=$run_as)" >&2; exit 2; }
  if [ "$(id -u)" != 0 ] && [ "$uid" != "$(id -u)" ]; then echo "only root can start Dovecot as $run_as" >&2; exit 2; fi

  local base=${1:-$(mktemp -d /tmp/dcbench.XXXXXX)}
  mkdir -p "$base"; base=$(cd "$base" && pwd)
  if [ -f "$base/dovecot.pid" ] && kill -0 "$(cat "$base/dovecot.pid")" 2>/dev/null; then
    echo "a Dovecot is already running for $base (PID $(cat "$base/dovecot.pid"))" >&2; exit 1
  fi
  for p in "$imap_port" $( [ "$pop3_port" != 0 ] && echo "$pop3_port" ); do
    if (exec 3<>"/dev/tcp/$addr/$p") 2>/dev/null; then echo "$addr:$p is already in use" >&2; exit 1; fi
  done
  chmod 755 "$base"
  mkdir -p "$base/run" "$base/home/$user/Maildir/new" "$base/home/$user/Maildir/cur" "$base/home/$user/Maildir/tmp"
  : > "$base/dovecot.log"
  chown -R "$uid:$gid" "$base/run" "$base/home" "$base/dovecot.log"

  # passwd-file: user:password:uid:gid:(gecos):home:(shell)
  printf '%s:{PLAIN}%s:%s:%s::%s::\n' "$user" "$pass" "$uid" "$gid" "$base/home/$user" > "$base/passwd"
  chmod 644 "$base/passwd"

  local pop3=; [ "$pop3_port" != 0 ] && pop3=pop3
  cat > "$base/dovecot.conf" <<EOF
# Written by bench/dovecot-setup.sh: a rootless benchmark instance (everything runs as $run_as).
protocols = imap $pop3
listen = $addr
base_dir = $base/run
instance_name = dcbench-$(basename "$base")
log_path = $base/dovecot.log
info_log_path = $base/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = $run_as
default_internal_group = $(id -gn "$run_as")
default_login_user = $run_as
first_valid_uid = $uid
last_valid_uid = $uid
mail_location = maildir:~/Maildir
# Dovecot runs one imap process per session: allow the benchmark's idle sessions (the defaults are 100
# processes and 10 sessions per user and IP). Everything else keeps its default.

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $base/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u $base/passwd
}

service anvil {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    port = $imap_port
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  chroot =
  inet_listener pop3 {
    port = $pop3_port
  }
  inet_listener pop3s {
    port = 0
  }
}
service imap {
  process_limit = $max
}
service auth {
  user = $run_as
}
service auth-worker {
  user = $run_as
}
protocol imap {
  mail_max_userip_connections = $max
}
protocol pop3 {
  mail_max_userip_connections = $max
}
EOF
  chmod 644 "$base/dovecot.conf"

  # Check the config first (a typo is a clear error here, not a silent start).
  if ! "$DOVECOT" -c "$base/dovecot.conf" -n > "$base/dovecot.conf.effective" 2> "$base/config.err"; then
    echo "dovecot rejected $base/dovecot.conf:" >&2; cat "$base/config.err" >&2; exit 1
  fi
  local runner=()
  if [ "$(id -u)" = 0 ]; then runner=(setpriv --reuid="$uid" --regid="$gid" --clear-groups --); fi
  # -F: stay in the foreground, so $! is the master's PID; setsid detaches it from this shell.
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  setsid "${runner[@]}" "$DOVECOT" -F -c "$base/dovecot.conf" >> "$base/dovecot.log" 2>&1 < /dev/null &
  local pid=$!
  echo "$pid" > "$base/dovecot.pid"
  local ok=
  for _ in $(seq 1 100); do
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    if (exec 3<>"/dev/tcp/$addr/$imap_port") 2>/dev/null; then ok=1; break; fi
    sleep 0.1
  done
  if [ -z "$ok" ]; then
    echo "dovecot did not start listening on $addr:$imap_port within 10 s; its log:" >&2
    tail -20 "$base/dovecot.log" >&2
    kill -TERM "$pid" 2>/dev/null || true; rm -f "$base/dovecot.pid"; exit 1
  fi
  cat <<EOF
dovecot instance: $base   (Dovecot $("$DOVECOT" --version), running as $run_as)
  imap          : $addr:$imap_port   $( [ -n "$pop3" ] && echo "pop3: $addr:$pop3_port" )
  account       : $user / $pass
  maildir       : $base/home/$user/Maildir   (INBOX; new/ for dropped files)
  master PID    : $pid   (its children are the imap, imap-login, auth, ... processes)
  log           : $base/dovecot.log
stop with       : bench/dovecot-setup.sh stop $base
EOF
  echo "PID $pid"
}

case "$cmd" in
  start) start "$@";;
  stop) stop "$@";;
  *) usage;;
esac
