# Sourced by the test scripts: installs a Debian package when a command is
# missing (apt-get, with an update only if the first try fails).
# need_package COMMAND PACKAGE WHY
need_package() {
    # PACKAGE may name several, separated by spaces.
    if command -v "$1" >/dev/null; then
        return 0
    fi
    echo "installing $1 (Debian package '$2')"
    if ! { apt-get install -y -qq $2 >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null && apt-get install -y -qq $2 >/dev/null; }; }; then
        echo "FAIL: cannot install '$2' with apt-get (needed by $3)"
        exit 1
    fi
}
