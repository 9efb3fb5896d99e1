#!/usr/bin/env bash
# Builds peakdesk with profile-guided optimisation (README, "Performance"):
# the same source and the same numbers as `cargo build --release`, laid out
# by the compiler from a profile of peakdesk's own work, for capacity
# planners who run many sweeps and staffing searches.
#  1. builds an instrumented binary (target/pgo/build);
#  2. runs it on a fixed training set: every shipped profile, a Double 11
#     sweep and `staff profiles/double11.toml`, each on one thread so the
#     profile does not depend on the machine (skipped when the source has
#     not changed since the last profile);
#  3. merges the counts with llvm-profdata (see find_profdata) and builds
#     again with them (target/pgo/build), copied to target/pgo/peakdesk;
#  4. checks that the new binary's results are the plain release binary's,
#     byte for byte (every shipped profile's summary but its `run` block,
#     which holds wall times), and fails if not.
# Usage: scripts/build_pgo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
pgo=target/pgo
# One target directory for both builds: the dependencies are built once,
# without the profile-guided flags (the hot code is peakdesk's own and the
# generic code it inlines), and peakdesk's crates twice.
build="$pgo/build"
# The binary is put in place only once it has passed the check below (gen
# and use: the two target directories of this script's first version).
rm -rf "$pgo/check" "$pgo/peakdesk" "$pgo/gen" "$pgo/use"
mkdir -p "$pgo/raw" "$pgo/check"
# Absolute paths: the build scripts' working directory is not this one.
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

# Builds peakdesk's crates with PEAKDESK_PGO=$1 (scripts/lib/pgo_rustc.sh).
# Cargo does not see the flag, so the crates are cleaned before a build
# that changes it.
pgo_build() {
    PEAKDESK_PGO="$1" RUSTC_WORKSPACE_WRAPPER="$PWD/scripts/lib/pgo_rustc.sh" \
        cargo build --release --locked --quiet --target-dir "$build"
}
clean_peakdesk() {
    cargo clean --release --quiet --package peakdesk --target-dir "$build"
}
gen="$build/release/peakdesk"

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
# The profile is kept while the compiler, the source, this script (its
# training set), its wrapper and the shipped profiles and their data are the
# same (hash maps' random seeds make two trainings' counts differ slightly,
# and a new profile means a new optimised build). The mark is written only
# once the optimised build has passed its check, so a run stopped half-way
# trains again.
# shellcheck disable=SC2086
source_id=$({
    rustc -vV
    cat Cargo.toml Cargo.lock build.rs scripts/build_pgo.sh scripts/lib/pgo_rustc.sh
    find src -type f -print0 | sort -z | xargs -0 cat
    cat $profiles profiles/data/*
} | sha256sum | cut -d' ' -f1)
if [ -f "$profdata" ] && [ "$(cat "$pgo/profdata.source" 2> /dev/null)" = "$source_id" ]; then
    echo "== training: skipped, $pgo/peakdesk.profdata is of this source"
else
    rm -f "$pgo/profdata.source"
    echo "== an instrumented build ($build)"
    clean_peakdesk
    pgo_build "generate=$raw"
    echo "== training: every shipped profile, a sweep, a staffing search"
    rm -rf "$raw"
    mkdir -p "$raw"
    for profile in $profiles; do
        train simulate "$profile" --json /dev/null
    done
    train sweep profiles/double11.toml --vary questions.order_status.bot=0.8,0.9 \
        --scale-staff 1.0:1.3:0.1 --replications 1 --json /dev/null
    train staff profiles/double11.toml
    echo "== merging the profile ($pgo/peakdesk.profdata)"
    "$llvm_profdata" merge -o "$profdata" "$raw"
    clean_peakdesk
fi

echo "== the optimised build ($build)"
pgo_build "use=$profdata"
if grep -q __llvm_profile_runtime "$gen"; then
    echo "build_pgo: $gen is still the instrumented build" >&2
    exit 1
fi

echo "== the same numbers as the plain release build"
cargo build --release --locked --quiet
strip_run='import json, sys; d = json.load(open(sys.argv[1])); d.pop("run"); print(json.dumps(d, sort_keys=True))'
for profile in $profiles; do
    name=$(basename "$profile" .toml)
    for bin in release:target/release/peakdesk pgo:"$build/release/peakdesk"; do
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
cp "$build/release/peakdesk" "$pgo/peakdesk"
echo "$source_id" > "$pgo/profdata.source"
echo "ok: $pgo/peakdesk (every shipped profile's summary identical to target/release/peakdesk's)"
