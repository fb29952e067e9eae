#!/usr/bin/env bash
# Measures how long SecureChat's full screen takes to show a paste, and what it costs in memory, both as a bracketed
# paste and as plain keys (a terminal or tool without bracketed paste types every character).
#
# Method (any Linux box with tmux): build once through ./run.sh; start `./run.sh --server --port 0` in a detached
# tmux session of 120x40; for each SIZE and mode, load a text of SIZE characters ending in a unique marker into a
# tmux buffer, note the time and the app's VmRSS, `tmux paste-buffer` (with -p: bracketed), and poll
# `tmux capture-pane` every POLL_MS until the marker is on screen (the input line shows the end of the text).
# Elapsed time includes tmux's own work and one poll interval. Then Ctrl+U clears the input before the next one.
# Usage: bench/app-paste.sh   (env: SIZES="1000 4000 16000" POLL_MS=10)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sizes="${SIZES:-1000 4000 16000}"
poll_ms="${POLL_MS:-10}"
command -v tmux >/dev/null || { echo "app-paste.sh: tmux is required" >&2; exit 127; }
echo "building (not timed)..." >&2
timeout 600 "$root/run.sh" --help >/dev/null
# Every launch gets a throwaway identity and trust files, never the user's own configuration directory.
config_dir="$(mktemp -d)"

now_ns() { date +%s%N; }
session="sc-paste-$$"
buffer="$(mktemp)"
cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; rm -f "$buffer"; rm -rf "$config_dir"; }
trap cleanup EXIT
tmux new-session -d -s "$session" -x 120 -y 40 "cd '$root' && exec ./run.sh --server --port 0 --config-dir '$config_dir'"
until tmux capture-pane -p -t "$session" | grep -qF Quit; do sleep 0.1; done
sleep 2
pid="$(tmux display-message -p -t "$session" '#{pane_pid}')"
rss() { awk '/VmRSS/ { print $2 }' "/proc/$pid/status"; }

for mode in bracketed keys; do
    for size in $sizes; do
        marker="END$RANDOM$RANDOM"
        python3 -c "import sys; n=int(sys.argv[1]); m=sys.argv[2]; t=('abcdefghi ' * (n // 10 + 1))[:n - len(m)] + m; sys.stdout.write(t)" "$size" "$marker" > "$buffer"
        tmux load-buffer -b bench "$buffer"
        before="$(rss)"
        start="$(now_ns)"
        if [[ "$mode" == bracketed ]]; then tmux paste-buffer -p -b bench -t "$session"; else tmux paste-buffer -b bench -t "$session"; fi
        until tmux capture-pane -p -t "$session" | grep -qF "$marker"; do
            (( ($(now_ns) - start) / 1000000000 < 120 )) || { echo "no paste on screen after 120 s" >&2; exit 1; }
            sleep "$(awk "BEGIN { print $poll_ms / 1000 }")"
        done
        ms=$(( ($(now_ns) - start) / 1000000 ))
        after="$(rss)"
        echo "paste mode=$mode chars=$size shown_ms=$ms rss_kb_before=$before rss_kb_after=$after rss_growth_kb=$(( after - before ))"
        sleep 0.3
        tmux send-keys -t "$session" C-u
        sleep 0.5
    done
done
tmux send-keys -t "$session" F10
