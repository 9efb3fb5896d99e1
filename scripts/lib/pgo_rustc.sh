#!/bin/sh
# The rustc wrapper of scripts/build_pgo.sh (Cargo's RUSTC_WORKSPACE_WRAPPER):
# adds the profile-guided flag to peakdesk's own crates only, so the
# instrumented and the optimised builds share one build of every dependency.
# The same wrapper path for both builds keeps the crate's symbol names (Cargo
# hashes the wrapper's path into them), which the profile is matched by.
# PEAKDESK_PGO is generate=DIR or use=FILE.
case "${PEAKDESK_PGO:-}" in
generate=* | use=*) exec "$@" "-Cprofile-$PEAKDESK_PGO" ;;
*)
    echo "pgo_rustc: PEAKDESK_PGO must be generate=DIR or use=FILE, not '${PEAKDESK_PGO:-}'" >&2
    exit 2
    ;;
esac
