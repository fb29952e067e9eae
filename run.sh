#!/usr/bin/env bash
# Starts SecureChat (SecureChat.Tui). The first run restores and builds it in Release, compiled ahead of time for this
# machine (ReadyToRun: the app reaches its first frame sooner, see BENCHMARKS.md); later runs start at once unless a
# source file changed since the last build. Every argument is passed through; the exit code is the app's.
#   ./run.sh --server                 ./run.sh --client localhost 12345             ./run.sh --help
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$root/SecureChat.Tui/SecureChat.Tui.csproj"
out="$root/SecureChat.Tui/bin/Release/net10.0/run"
dll="$out/SecureChat.Tui.dll"
stamp="$out/.run-sh-stamp"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v dotnet >/dev/null 2>&1; then
    echo "run.sh: the .NET SDK (dotnet, version 10) is required: https://dot.net/download" >&2
    exit 127
fi

# A build is needed when there is no build yet, or when any source the app is built from is newer than it.
needs_build() {
    [[ -f "$dll" && -f "$stamp" ]] || return 0
    local newer
    newer="$(find "$root/SecureChat.Tui" "$root/SecureChat.Engine" \
        \( -name bin -o -name obj \) -prune -o \
        -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.json' \) \
        -newer "$stamp" -print -quit)"
    [[ -n "$newer" || "$root/Directory.Build.props" -nt "$stamp" ]]
}

if needs_build && command -v flock >/dev/null 2>&1; then
    # Two terminals started at once must not build at the same time: the second waits, then finds it done.
    mkdir -p "$out"
    exec 9>"$out/.run-sh.lock"
    flock 9
fi

if needs_build; then
    echo "run.sh: restoring and building SecureChat.Tui (Release); later runs skip this until a source changes..." >&2
    started="$(mktemp)"
    # ReadyToRun needs the runtime identifier of this machine (linux-x64, osx-arm64, ...) and, on the first build,
    # NuGet packages of the runtime and its compiler; without them the app is built as plain IL, which starts slower.
    rid="$(dotnet --info 2>/dev/null | awk '$1 == "RID:" { print $2; exit }')"
    if [[ -z "$rid" ]] || ! dotnet publish "$project" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
        -o "$out" -nologo -v minimal 1>&2; then
        echo "run.sh: ahead-of-time compilation for '${rid:-an unknown runtime}' failed; building plain IL instead (slower start)" >&2
        if ! dotnet build "$project" -c Release -o "$out" -nologo -v minimal 1>&2; then
            rm -f "$started"
            echo "run.sh: the build failed (see above)" >&2
            exit 1
        fi
    fi
    # The stamp carries the time the build started, so an edit made during the build triggers the next one.
    mv "$started" "$stamp"
    echo "run.sh: build done; starting." >&2
fi
exec 9>&-

exec dotnet "$dll" "$@"
