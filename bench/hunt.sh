#!/usr/bin/env bash
# Measures `socfeed hunt` on the EVTX attack samples with every SigmaHQ Windows rule:
# total time, rule-loading time, events per second, peak memory, and the time of a
# parse-only run (one rule that no event meets) to give matching as a ratio to parsing.
#
# Usage: bench/hunt.sh [RUNS]   (from the repository root; needs ../shared and
# /usr/bin/time, from Debian's `time` package; uses hyperfine when it is installed)
set -euo pipefail

runs="${1:-5}"
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/../shared/corpus"
samples="$corpus/evtx-attack-samples"
rules=(-r "$corpus/sigmahq/rules" -r "$corpus/sigmahq/rules-emerging-threats" -r "$corpus/sigmahq/rules-threat-hunting")

if [ ! -d "$corpus" ]; then
    echo "skipping: ../shared not found" >&2
    exit 0
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
cargo build --release -p socfeed --quiet
bin="$CARGO_TARGET_DIR/release/socfeed"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/no-events"
# An empty event file: the hunt exits with an error when it finds no event file at all.
: > "$work/no-events/empty.jsonl"

# One rule whose log source no sample event has: the run still reads every event.
cat > "$work/parse-only.yml" <<'RULE'
title: Parse only
logsource:
    product: windows
    service: kernel-event-tracing
detection:
    selection:
        EventID: 999999
    condition: selection
RULE

hunt_all=("$bin" hunt --no-progress --format jsonl -o "$work/out.jsonl" "${rules[@]}" "$samples")
load_only=("$bin" hunt --no-progress --format jsonl -o "$work/out.jsonl" "${rules[@]}" "$work/no-events")
parse_only=("$bin" hunt --no-progress --format jsonl -o "$work/out.jsonl" -r "$work/parse-only.yml" "$samples")

echo "== summary of one full run"
"${hunt_all[@]}" 2>&1 | grep -E "events in|rules loaded|detections:"

echo "== peak memory (maximum resident set size) and wall time, /usr/bin/time -v"
for name in hunt_all load_only parse_only; do
    declare -n command="$name"
    /usr/bin/time -v "${command[@]}" 2> "$work/time.txt" > /dev/null || true
    wall=$(grep "Elapsed (wall clock)" "$work/time.txt" | awk '{print $NF}')
    rss=$(grep "Maximum resident set size" "$work/time.txt" | awk '{print $NF}')
    echo "$name: wall $wall, peak RSS $((rss / 1024)) MB"
done

if command -v hyperfine > /dev/null; then
    echo "== hyperfine, $runs runs each"
    hyperfine --warmup 1 --runs "$runs" -N \
        -n all-rules "${hunt_all[*]}" \
        -n load-only "${load_only[*]}" \
        -n parse-only "${parse_only[*]}"
else
    echo "== mean wall time of $runs runs each (install hyperfine for more)"
    for name in hunt_all load_only parse_only; do
        declare -n command="$name"
        start=$(date +%s.%N)
        for _ in $(seq "$runs"); do "${command[@]}" > /dev/null 2>&1; done
        end=$(date +%s.%N)
        echo "$name: $(echo "($end - $start) / $runs" | bc -l | cut -c1-5) s"
    done
fi
