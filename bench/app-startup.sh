#!/usr/bin/env bash
# Measures SecureChat's (SecureChat.Tui) time from launch to its first drawn frame, and its idle CPU.
#
# Method (repeatable on any Linux box with tmux):
#   1. Build once through ./run.sh (./run.sh --help), so no run below includes a build.
#   2. For each of RUNS launches: note the time, start `./run.sh --server --port 0` in a fresh detached tmux
#      session of 120x40, and poll `tmux capture-pane` every POLL_MS until the status bar's text (READY, by
#      default "Quit", the F10 shortcut drawn on the bottom line) appears. That elapsed time is "launch to first
#      frame" (+/- one poll interval, plus the ~1-3 ms a capture-pane costs).
#   3. On the last launch, let the app settle SETTLE_S seconds, then read utime+stime of the app process from
#      /proc/<pid>/stat before and after IDLE_S seconds of no input: idle CPU = ticks / (CLK_TCK * IDLE_S). Over
#      the same seconds, `tmux pipe-pane` counts the bytes the app writes to the terminal (idle output; 0 is right).
#   4. Quit with F10 (kill the tmux session if it does not exit).
#   CLIENT=1 launches full-screen clients instead (`./run.sh --client 127.0.0.1 PORT`), each connecting to one
#   headless server the script starts first (`--headless --server`, its own config directory; not timed).
#   APP_ROOTS="dir1 dir2" times the run.sh of each checkout given, alternating launch by launch (dir1, dir2, dir1, ...),
#   each with its own config directory, and sums up each; by default, this checkout alone.
# Usage: bench/app-startup.sh   (env: RUNS=5 POLL_MS=10 READY=Quit SETTLE_S=2 IDLE_S=10 CLIENT=0 APP_ROOTS=)
# Output: one line per launch, then a summary line per checkout; exit 1 if the app never drew its frame.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-5}"
poll_ms="${POLL_MS:-10}"
ready="${READY:-Quit}"
settle_s="${SETTLE_S:-2}"
idle_s="${IDLE_S:-10}"
timeout_s=30

command -v tmux >/dev/null || { echo "app-startup.sh: tmux is required" >&2; exit 127; }
[[ -x "$root/run.sh" ]] || { echo "app-startup.sh: $root/run.sh not found (the app is not there yet)" >&2; exit 1; }

client="${CLIENT:-0}"
read -r -a roots <<< "${APP_ROOTS:-$root}"
echo "building (not timed)..." >&2
declare -A config_dirs times_of
for r in "${roots[@]}"; do
    timeout 900 "$r/run.sh" --help >/dev/null
    # Every launch gets a throwaway identity and trust files, never the user's own configuration directory.
    config_dirs[$r]="$(mktemp -d)"
    times_of[$r]=""
done

now_ns() { date +%s%N; }
session="sc-startup-$$"
hub="sc-startup-hub-$$"
hub_dir="$(mktemp -d)"
cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; }
finish() { cleanup; tmux kill-session -t "$hub" 2>/dev/null || true; rm -rf "$hub_dir" "${config_dirs[@]}"; }
trap finish EXIT

args="--server --port 0"
if [[ "$client" == 1 ]]; then
    hub_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    tmux new-session -d -s "$hub" -x 120 -y 40 "cd '${roots[0]}' && exec ./run.sh --headless --server --host 127.0.0.1 --port $hub_port --config-dir '$hub_dir'"
    for ((w = 0; w < timeout_s * 10; w++)); do
        tmux capture-pane -p -t "$hub" 2>/dev/null | grep -qF "Waiting for client" && break
        sleep 0.1
    done
    args="--client 127.0.0.1 $hub_port"
fi

launches=$(( runs * ${#roots[@]} ))
for ((n = 0; n < launches; n++)); do
    i=$(( n / ${#roots[@]} + 1 ))
    r="${roots[$(( n % ${#roots[@]} ))]}"
    cleanup
    start="$(now_ns)"
    tmux new-session -d -s "$session" -x 120 -y 40 "cd '$r' && exec ./run.sh $args --config-dir '${config_dirs[$r]}'"
    drawn=""
    while (( ($(now_ns) - start) / 1000000000 < timeout_s )); do
        if tmux capture-pane -p -t "$session" 2>/dev/null | grep -qF -- "$ready"; then
            drawn="$(now_ns)"
            break
        fi
        sleep "$(awk "BEGIN { print $poll_ms / 1000 }")"
    done
    if [[ -z "$drawn" ]]; then
        echo "run $i: no frame with '$ready' within ${timeout_s} s; screen was:" >&2
        tmux capture-pane -p -t "$session" >&2 || true
        exit 1
    fi
    ms=$(( (drawn - start) / 1000000 ))
    times_of[$r]+="$ms "
    echo "run $i: first frame after ${ms} ms ($r)"
    if (( n + 1 < launches )); then
        tmux send-keys -t "$session" F10
        sleep 0.5
    fi
done

# Idle CPU of the last launch. run.sh execs dotnet, so the pane's process is the app itself.
pid="$(tmux display-message -p -t "$session" '#{pane_pid}')"
sleep "$settle_s"
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
hz="$(getconf CLK_TCK)"
idle_out="$(mktemp)"
tmux pipe-pane -o -t "$session" "cat > '$idle_out'"
t0="$(ticks)"; w0="$(now_ns)"
sleep "$idle_s"
t1="$(ticks)"; w1="$(now_ns)"
tmux pipe-pane -t "$session"
idle_bytes="$(wc -c < "$idle_out")"; rm -f "$idle_out"
rss_kb="$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")"
threads="$(awk '/Threads/ { print $2 }' "/proc/$pid/status")"
idle_pct="$(awk "BEGIN { printf \"%.2f\", 100 * ($t1 - $t0) / $hz / (($w1 - $w0) / 1e9) }")"
tmux send-keys -t "$session" F10
sleep 0.5

for r in "${roots[@]}"; do
    sorted=($(printf '%s\n' ${times_of[$r]} | sort -n))
    median="${sorted[$(( (${#sorted[@]} - 1) / 2 ))]}"
    where=""; (( ${#roots[@]} > 1 )) && where=" root=$r"
    echo "summary:$where runs=$runs first_frame_ms_median=$median min=${sorted[0]} max=${sorted[-1]} idle_cpu_percent=$idle_pct (over ${idle_s} s, $(( t1 - t0 )) ticks at ${hz} Hz; the last launch) idle_output_bytes=$idle_bytes rss_kb=$rss_kb threads=$threads"
done
