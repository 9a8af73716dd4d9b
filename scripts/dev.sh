#!/usr/bin/env bash
# Starts the whole local stack in one command and keeps it in the foreground until Ctrl-C:
# PostgreSQL check, Temporal dev server, migrations, the demo IVR, the Twilio simulator (when the
# project has one), the worker and the webhook server. Logs go to .data/*.log and to the terminal.
# Set DEV_QUIET=1 to keep the terminal to this script's own messages.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
data="$root/.data"
mkdir -p "$data"

names=()
pids=()
tails=()

say() { printf '\033[1m[dev]\033[0m %s\n' "$*"; }
fail() {
  printf '\033[1;31m[dev] %s\033[0m\n' "$*" >&2
  exit 1
}

# alive PID, or alive -PGID for any process of a group.
alive() { kill -0 -- "$1" 2>/dev/null; }

stop_all() {
  local status=$? i pid deadline
  trap - EXIT INT TERM
  if [ "${#pids[@]}" -gt 0 ]; then
    say "stopping ${names[*]}"
    # Reverse start order: the server stops taking webhooks before the worker and Temporal go.
    # The whole process group, not just its leader: npm can exit before the tsx and node under it.
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
      pid=${pids[$i]}
      kill -TERM -- "-$pid" 2>/dev/null || true
      deadline=$((SECONDS + 15))
      while alive "-$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
      if alive "-$pid"; then
        say "${names[$i]} did not stop within 15 s; killing it"
        kill -KILL -- "-$pid" 2>/dev/null || true
      fi
      wait "$pid" 2>/dev/null || true
    done
  fi
  for pid in "${tails[@]+"${tails[@]}"}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start NAME COMMAND...: runs COMMAND in the background with its output in .data/NAME.log.
# Job control (set -m) only while forking gives each child its own process group: a stop then
# reaches the grandchildren npm and tsx spawn, and a Ctrl-C reaches only this script, which stops
# the children in order instead of all at once.
start() {
  local name=$1 log="$data/$1.log"
  shift
  set -m
  "$@" >"$log" 2>&1 </dev/null &
  names+=("$name")
  pids+=("$!")
  if [ "${DEV_QUIET:-}" != 1 ] && [ "$name" != temporal ]; then
    tail -n +1 -F "$log" 2>/dev/null | awk -v p="[$name] " '{ print p $0; fflush() }' &
    tails+=("$!")
  fi
  set +m
}

# pid_of NAME: the process group leader started under NAME.
pid_of() {
  local i
  for i in "${!names[@]}"; do [ "${names[$i]}" = "$1" ] && echo "${pids[$i]}"; done
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# wait_for NAME SECONDS DESCRIPTION PROBE...: polls PROBE until it succeeds; fails if NAME dies.
wait_for() {
  local name=$1 limit=$2 what=$3 pid deadline
  shift 3
  pid=$(pid_of "$name")
  deadline=$((SECONDS + limit))
  until "$@"; do
    if [ -n "$pid" ] && ! alive "$pid"; then
      tail -n 20 "$data/$name.log" >&2 || true
      fail "$name exited before $what; see $data/$name.log"
    fi
    [ "$SECONDS" -ge "$deadline" ] && fail "$what did not happen within $limit s; see $data/$name.log"
    sleep 0.5
  done
}

# host_of / port_of URL-or-host:port, defaulting the port from the scheme.
host_of() {
  local rest=${1#*://}
  rest=${rest%%/*}
  rest=${rest##*@}
  echo "${rest%:*}"
}
port_of() {
  local rest=${1#*://}
  rest=${rest%%/*}
  rest=${rest##*@}
  case $rest in
    *:*) echo "${rest##*:}" ;;
    *) case $1 in https://*) echo 443 ;; *) echo 80 ;; esac ;;
  esac
}

# 1. Configuration.
if [ ! -f .env ]; then
  cp .env.example .env
  # A key of this laptop's own, so voicemails go through the whole recording pipeline (media is
  # only ever stored encrypted; without a key the worker leaves recordings waiting).
  key=$(node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('base64'))")
  sed -i "s|^RECORDING_ENCRYPTION_KEYS=.*|RECORDING_ENCRYPTION_KEYS=local-1:$key|; s|^RECORDING_ENCRYPTION_KEY_ID=.*|RECORDING_ENCRYPTION_KEY_ID=local-1|" .env
  say "created .env from .env.example, with a new recording encryption key (local-1)"
fi
set -a
# shellcheck source=/dev/null
source .env
set +a

# 2. PostgreSQL.
if ! pg_isready -q -d "$DATABASE_URL" 2>/dev/null; then
  command -v pg_isready >/dev/null || fail "pg_isready not found: install the PostgreSQL client tools, or start PostgreSQL and set DATABASE_URL in .env"
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    for version in /etc/postgresql/*/; do
      version=$(basename "$version")
      say "starting PostgreSQL $version (main cluster)"
      if pg_ctlcluster --skip-systemctl-redirect "$version" main start; then
        for _ in $(seq 1 20); do
          if pg_isready -q -d "$DATABASE_URL"; then break; fi
          sleep 0.5
        done
      fi
      break
    done
  fi
  pg_isready -q -d "$DATABASE_URL" ||
    fail "PostgreSQL does not answer at DATABASE_URL=$DATABASE_URL; start it or change DATABASE_URL in .env"
fi
say "PostgreSQL answers at $(host_of "$DATABASE_URL"):$(port_of "$DATABASE_URL")"

# 3. Temporal.
temporal_host=${TEMPORAL_ADDRESS%:*}
temporal_port=${TEMPORAL_ADDRESS##*:}
temporal_ui=http://127.0.0.1:8233
temporal_log="(not started here)"
if port_open "$temporal_host" "$temporal_port"; then
  say "reusing the Temporal server already listening on $TEMPORAL_ADDRESS"
else
  say "starting the Temporal dev server (the first run may build the CLI, which takes minutes)"
  TEMPORAL_PORT=$temporal_port start temporal bash scripts/temporal.sh
  temporal_log="$data/temporal.log"
  wait_for temporal 900 "Temporal answered on $TEMPORAL_ADDRESS" port_open "$temporal_host" "$temporal_port"
  wait_for temporal 60 "the Temporal UI answered on :8233" port_open 127.0.0.1 8233
  say "Temporal is up on $TEMPORAL_ADDRESS"
fi

# 4. Schema and the demo IVR.
npm run -s migrate
npm run -s cli -- ivr load ivrs/demo.json
npm run -s cli -- ivr route '*' demo

# 5. Processes.
sim_url="(not started: package.json has no \"sim\" script)"
if node -e 'process.exit(require("./package.json").scripts?.sim ? 0 : 1)'; then
  start sim npm run -s sim
  sim_url=${TWILIO_API_BASE_URL:-http://127.0.0.1:3100}
  wait_for sim 60 "the simulator answered on $sim_url" port_open "$(host_of "$sim_url")" "$(port_of "$sim_url")"
fi
start worker npm run -s worker
start server npm run -s server
wait_for server 90 "$PUBLIC_BASE_URL/readyz answered 200" curl -fs -o /dev/null "$PUBLIC_BASE_URL/readyz"

logs=""
for name in "${names[@]}"; do logs="$logs $data/$name.log"; done
cat <<EOF

  Switchboard is running.
    Webhook server  $PUBLIC_BASE_URL   (Twilio posts to $PUBLIC_BASE_URL/voice/inbound)
    Readiness       $PUBLIC_BASE_URL/readyz
    Temporal UI     $temporal_ui   (frontend $TEMPORAL_ADDRESS, log $temporal_log)
    Simulator       $sim_url
    Logs           $logs

  Try it:  npm run call -- --press 1 --say "sales please" --status-callback $PUBLIC_BASE_URL/voice/status
  Stop:    Ctrl-C

EOF

# Stay in the foreground; if any child dies the stack is no longer whole, so stop everything.
while :; do
  for i in "${!pids[@]}"; do
    if ! alive "${pids[$i]}"; then
      status=0
      wait "${pids[$i]}" || status=$?
      fail "${names[$i]} exited (status $status); see $data/${names[$i]}.log"
    fi
  done
  sleep 1 &
  wait $! || true
done
