#!/bin/bash
# Stop the Postfix instance and smtp-sink started by bench/postfix-setup.sh BASE_DIR, by their PIDs.
#   bench/postfix-stop.sh BASE_DIR [--purge]     (--purge also deletes BASE_DIR)
set -uo pipefail
BASE=${1:?usage: postfix-stop.sh BASE_DIR [--purge]}
BASE=$(cd "$BASE" && pwd) || exit 1

stop_pid() {   # stop_pid PID NAME: TERM, wait up to 10 s, then KILL
  local pid=$1 name=$2
  kill -0 "$pid" 2>/dev/null || { echo "$name (PID $pid) is not running"; return 0; }
  kill -TERM "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || { echo "stopped $name (PID $pid)"; return 0; }; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null; echo "killed $name (PID $pid)"
}

if [ -f "$BASE/postfix.pid" ]; then
  MASTER_PID=$(cat "$BASE/postfix.pid")
  # "postfix -c DIR stop" signals this instance's master (by the PID in its queue_directory) and waits.
  if kill -0 "$MASTER_PID" 2>/dev/null; then
    postfix -c "$BASE/etc" stop 2>/dev/null && echo "stopped postfix master (PID $MASTER_PID)"
    for _ in $(seq 1 100); do kill -0 "$MASTER_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  if kill -0 "$MASTER_PID" 2>/dev/null; then stop_pid "$MASTER_PID" "postfix master"; fi
  rm -f "$BASE/postfix.pid"
fi
if [ -f "$BASE/sink.pid" ]; then
  stop_pid "$(cat "$BASE/sink.pid")" "smtp-sink"
  rm -f "$BASE/sink.pid"
fi
if [ "${2-}" = --purge ]; then
  case "$BASE" in /tmp/*) rm -rf "$BASE"; echo "removed $BASE";; *) echo "not purging $BASE (not under /tmp)";; esac
fi
