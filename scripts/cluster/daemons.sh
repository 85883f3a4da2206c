# Starting and stopping the cluster's processes. `up` records each one it starts as
# "PID START_TIME" in $STATE_DIR/pids/<name>; `down` stops a recorded process only while that PID
# still carries the same start time, so a PID the kernel has since given to another program is
# never signalled.

pid_dir() { printf '%s/pids\n' "$STATE_DIR"; }

# start_time PID: the process's start time in clock ticks since boot (field 22 of /proc/PID/stat).
start_time() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  # The command name (field 2) may hold spaces; count fields after its closing parenthesis.
  printf '%s\n' "${stat##*) }" | awk '{ print $20 }'
}

# start_daemon NAME COMMAND...: runs COMMAND in its own session, logging to $STATE_DIR/logs/NAME.log.
start_daemon() {
  local name=$1
  shift
  mkdir -p "$(pid_dir)" "$STATE_DIR/logs"
  setsid "$@" >>"$STATE_DIR/logs/$name.log" 2>&1 </dev/null &
  local pid=$!
  local started
  started=$(start_time "$pid") || die "$name exited at once; see $STATE_DIR/logs/$name.log"
  printf '%s %s\n' "$pid" "$started" >"$(pid_dir)/$name"
}

# recorded_pid NAME: the recorded PID if that process is still the one `up` started; else fails.
recorded_pid() {
  local file
  file="$(pid_dir)/$1"
  [ -f "$file" ] || return 1
  local pid started
  read -r pid started <"$file" || return 1
  [ -n "$pid" ] && [ "$(start_time "$pid" 2>/dev/null)" = "$started" ] || return 1
  printf '%s\n' "$pid"
}

# stop_daemon NAME: SIGTERM, then SIGKILL after 10 s, the recorded process if it is still ours.
stop_daemon() {
  local pid
  if pid=$(recorded_pid "$1"); then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      [ "$(start_time "$pid" 2>/dev/null)" = "" ] && break
      sleep 0.1
    done
    if recorded_pid "$1" >/dev/null; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.2; fi
  fi
  rm -f "$(pid_dir)/$1"
}

# wait_for WHAT SECONDS COMMAND...: polls COMMAND until it succeeds, or dies naming WHAT.
wait_for() {
  local what=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "$what not ready after ${seconds}s; logs in $STATE_DIR/logs/"
    sleep 0.5
  done
}
