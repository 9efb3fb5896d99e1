#!/usr/bin/env bash
# Builds peakdesk with profile-guided optimisation (README, "Performance"):
# the same source and the same numbers as `cargo build --release`, laid out
# by the compiler from a profile of peakdesk's own work, for capacity
# planners who run many sweeps and staffing searches.
#  1. builds an instrumented binary (target/pgo/gen);
#  2. runs it on a fixed training set: every shipped profile, a Double 11
#     sweep and `staff profiles/double11.toml`, each on one thread so the
#     profile does not depend on the machine (skipped when the source has
#     not changed since the last profile);
#  3. merges the counts with llvm-profdata (see find_profdata) and builds
#     again with them (target/pgo/use), copied to target/pgo/peakdesk;
#  4. checks that the new binary's results are the plain release binary's,
#     byte for byte (every shipped profile's summary but its `run` block,
#     which holds wall times), and fails if not.
# Usage: scripts/build_pgo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
pgo=target/pgo
case "$PWD" in
*[[:space:]]*)
    echo "build_pgo: the checkout's path has a space ($PWD), which RUSTFLAGS cannot carry" >&2
    exit 1
    ;;
esac
# The binary is put in place only once it has passed the check below.
rm -rf "$pgo/check" "$pgo/peakdesk"
mkdir -p "$pgo/raw" "$pgo/check"
# Cargo reads an absolute path in RUSTFLAGS; the build scripts' working
# directory is not this one.
raw=$(realpath "$pgo/raw")
profdata=$(realpath -m "$pgo/peakdesk.profdata")

# llvm-profdata: $LLVM_PROFDATA if set, else the toolchain's own (rustup's
# llvm-tools component), else Debian's newest (llvm-19 or later reads the
# toolchain's raw profiles; its merged profile gives the same binary).
find_profdata() {
    if [ -n "${LLVM_PROFDATA:-}" ]; then
        echo "$LLVM_PROFDATA"
        return
    fi
    local host own
    host=$(rustc -vV | awk '/^host:/ { print $2 }')
    own="$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata"
    if [ -x "$own" ]; then
        echo "$own"
        return
    fi
    { compgen -c llvm-profdata- || true; } | awk -F- '$3 >= 19 { print $3, $0 }' | sort -n | tail -1 | cut -d' ' -f2
}
llvm_profdata=$(find_profdata)
if [ -z "$llvm_profdata" ] || ! command -v "$llvm_profdata" > /dev/null; then
    echo "build_pgo: no llvm-profdata: add the toolchain's (rustup component add llvm-tools)" \
        "or install Debian's (apt-get install llvm-19), or name one in LLVM_PROFDATA" >&2
    exit 1
fi
echo "== llvm-profdata: $llvm_profdata"

echo "== an instrumented build (target/pgo/gen)"
RUSTFLAGS="${RUSTFLAGS:-} -Cprofile-generate=$raw" \
    cargo build --release --locked --quiet --target-dir "$pgo/gen"
gen="$pgo/gen/release/peakdesk"

# The training set. Exit code 1 (an SLA rule lost) is a result, not a failure.
train() {
    set +e
    LLVM_PROFILE_FILE="$raw/%m-%p.profraw" "$gen" "$@" --threads 1 --quiet > /dev/null
    local code=$?
    set -e
    if [ "$code" -gt 1 ]; then
        echo "build_pgo: training run 'peakdesk $*' exited $code" >&2
        exit 1
    fi
}
profiles=$(find profiles -name '*.toml' ! -name '*-shifts.toml' | sort)
# The profile is kept while the instrumented binary, this script (its
# training set) and the shipped profiles and their data are the same (hash maps' random
# seeds make two trainings' counts differ slightly, and a new profile means
# a new optimised build).
# shellcheck disable=SC2086
source_id=$(cat "$gen" scripts/build_pgo.sh $profiles profiles/data/* | sha256sum | cut -d' ' -f1)
if [ -f "$profdata" ] && [ "$(cat "$pgo/profdata.source" 2> /dev/null)" = "$source_id" ]; then
    echo "== training: skipped, $pgo/peakdesk.profdata is of this source"
else
    echo "== training: every shipped profile, a sweep, a staffing search"
    rm -rf "$raw" "$pgo/profdata.source"
    mkdir -p "$raw"
    for profile in $profiles; do
        train simulate "$profile" --json /dev/null
    done
    train sweep profiles/double11.toml --vary questions.order_status.bot=0.8,0.9 \
        --scale-staff 1.0:1.3:0.1 --replications 1 --json /dev/null
    train staff profiles/double11.toml
    echo "== merging the profile ($pgo/peakdesk.profdata)"
    "$llvm_profdata" merge -o "$profdata" "$raw"
    echo "$source_id" > "$pgo/profdata.source"
fi

echo "== the optimised build (target/pgo/use)"
RUSTFLAGS="${RUSTFLAGS:-} -Cprofile-use=$profdata" \
    cargo build --release --locked --quiet --target-dir "$pgo/use"

echo "== the same numbers as the plain release build"
cargo build --release --locked --quiet
strip_run='import json, sys; d = json.load(open(sys.argv[1])); d.pop("run"); print(json.dumps(d, sort_keys=True))'
for profile in $profiles; do
    name=$(basename "$profile" .toml)
    for bin in release:target/release/peakdesk pgo:"$pgo/use/release/peakdesk"; do
        summary="$pgo/check/$name.${bin%%:*}.json"
        set +e
        "${bin#*:}" simulate "$profile" --quiet --json "$summary"
        code=$?
        set -e
        [ "$code" -le 1 ] || { echo "build_pgo: ${bin#*:} simulate $profile exited $code" >&2; exit 1; }
        python3 -c "$strip_run" "$summary" > "$pgo/check/$name.${bin%%:*}"
    done
    if ! cmp -s "$pgo/check/$name.release" "$pgo/check/$name.pgo"; then
        echo "build_pgo: $profile: the optimised binary's summary differs from the release binary's" >&2
        exit 1
    fi
done
cp "$pgo/use/release/peakdesk" "$pgo/peakdesk"
echo "ok: $pgo/peakdesk (every shipped profile's summary identical to target/release/peakdesk's)"
