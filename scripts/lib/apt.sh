# Sourced by the test scripts: installs a Debian package when a command is
# missing (apt-get, with an update only if the first try fails).
# need_package COMMAND PACKAGE WHY
need_package() {
    # PACKAGE may name several, separated by spaces.
    if command -v "$1" >/dev/null; then
        return 0
    fi
    echo "installing $1 (Debian package '$2')" >&2
    if ! { apt-get install -y -qq ${APT_EXTRA:-} $2 >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null && apt-get install -y -qq ${APT_EXTRA:-} $2 >/dev/null; }; }; then
        echo "FAIL: cannot install '$2' with apt-get (needed by $3)" >&2
        exit 1
    fi
}

# need_daemon_package COMMAND PACKAGE WHY: need_package for a package that
# ships a service (prometheus): without its recommended packages, and with
# service starts refused during the install (a policy-rc.d, unless one is
# already there), so that only the test runs the program.
need_daemon_package() {
    if command -v "$1" >/dev/null; then
        return 0
    fi
    local policy=/usr/sbin/policy-rc.d placed=""
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && placed=1
    fi
    local code=0
    (APT_EXTRA=--no-install-recommends need_package "$@") || code=$?
    if [ -n "$placed" ]; then
        rm -f "$policy"
    fi
    [ "$code" -eq 0 ] || exit "$code"
}
