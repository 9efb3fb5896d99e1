#!/usr/bin/env bash
# Builds peakdesk with profile-guided optimisation (README, "Performance"):
# the same source and the same numbers as `cargo build --release`, laid out
# by the compiler from a profile of peakdesk's own work, for capacity
# planners who run many sweeps and staffing searches.
#  1. builds an instrumented binary (target/pgo/build);
#  2. runs it on a fixed training set: every shipped profile, a Double 11
#     sweep and `staff profiles/double11.toml`, each on one thread so the
#     profile does not depend on the machine (this step and the one before
#     are skipped when nothing that shapes the binary has changed since the
#     last run that passed step 4);
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
# that changes it. Cargo hashes the wrapper's path into the crates' symbol
# names, by which the profile is matched: the path is the physical one (the
# same through a symlink) and is part of the profile's source id below. No
# RUSTC_WRAPPER (a compiler cache would not see the flag either).
wrapper="$(pwd -P)/scripts/lib/pgo_rustc.sh"
pgo_build() {
    PEAKDESK_PGO="$1" RUSTC_WORKSPACE_WRAPPER="$wrapper" RUSTC_WRAPPER='' \
        cargo build --release --locked --quiet --target-dir "$build"
}
clean_peakdesk() {
    cargo clean --release --locked --quiet --package peakdesk --target-dir "$build"
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
# The profile is kept while the compiler and its flags, the wrapper's path,
# the source, this script (its training set), its wrapper and the shipped
# profiles and their data are the same (hash maps' random seeds make two
# trainings' counts differ slightly, and a new profile means a new optimised
# build). The mark is written only once the optimised build has passed its
# check, so a run stopped half-way trains again.
# shellcheck disable=SC2086
source_inputs() {
    rustc -vV &&
        echo "$wrapper ${RUSTFLAGS:-} ${CARGO_ENCODED_RUSTFLAGS:-}" &&
        { find src -type f; echo Cargo.toml Cargo.lock build.rs scripts/build_pgo.sh \
            scripts/lib/pgo_rustc.sh $profiles; find profiles/data -type f; } |
        tr ' ' '\n' | LC_ALL=C sort | xargs sha256sum
}
source_id=$(source_inputs | sha256sum | cut -d' ' -f1)
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
if readelf -S "$gen" | grep -q __llvm_prf_cnts; then
    echo "build_pgo: $gen is still the instrumented build" >&2
    exit 1
fi
# The profile names functions by their symbols; when it names none of the
# binary's (built by another path or with other flags), the compiler used
# nothing of it, silently.
profiled=$("$llvm_profdata" show --all-functions "$profdata" | sed -n 's/^  \([^ ].*\):$/\1/p' |
    sed 's/^.*;//' | LC_ALL=C sort -u)
matched=$(LC_ALL=C comm -12 <(echo "$profiled") <(nm --defined-only "$gen" | awk '{ print $NF }' |
    LC_ALL=C sort -u) | wc -l)
total=$(echo "$profiled" | wc -l)
if [ $((matched * 10)) -lt "$total" ]; then
    echo "build_pgo: the profile names $matched of the binary's functions out of $total:" \
        "it is another build's; remove $profdata and run again" >&2
    exit 1
fi
echo "== the profile names $matched of the binary's functions (of $total)"

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
