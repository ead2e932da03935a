#!/usr/bin/env bash
# Try the Windows installer under wine (Debian's wine 8.0, with wine32:i386: the NSIS stub is
# a 32-bit program). Not a test the product relies on: wine 8.0 lacks Windows 10 pieces the
# bundled Qt and pydantic-core need (see /work/notes/issue-16.md). Prints what happens.
#   bash packaging/windows/try-wine.sh [dist/dry-electrode-hmi-<v>-setup.exe]
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
EXE="${1:-$(ls "$ROOT"/dist/dry-electrode-hmi-*-setup.exe | tail -n 1)}"
WUSER="$(id -un)"
export WINEPREFIX="${HMI_BUILD_ROOT:-/tmp/hmi-build}/wine-try" WINEDEBUG=-all
APP='C:\Program Files\Dry-electrode line HMI'
UNIX_APP="$WINEPREFIX/drive_c/Program Files/Dry-electrode line HMI"
rm -rf "$WINEPREFIX"
step() { printf '\n== %s\n' "$*"; }
step "wineboot"; timeout 300 xvfb-run -a wineboot -i >/dev/null 2>&1; echo "rc=$?"
step "silent install: $(basename "$EXE") /S"
timeout 600 xvfb-run -a wine "$EXE" /S >/dev/null 2>&1; echo "rc=$?"
ls "$UNIX_APP" 2>&1
ls "$WINEPREFIX/drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs/" 2>&1
step "hmi --version"
timeout 120 wine "$APP\\bin\\hmi.exe" --version 2>&1 | cat | head -n 3; echo "rc=${PIPESTATUS[0]}"
step "hmi --self-test (Xvfb)"
timeout 120 xvfb-run -a sh -c "wine '$APP\\bin\\hmi.exe' --self-test 2>&1 | cat" | head -n 3
echo "rc=${PIPESTATUS[0]}"
step "which Windows DLLs wine cannot provide"
for probe in "import pydantic_core" "import PySide6.QtWidgets"; do
    WINEDEBUG=warn+module timeout 120 wine "$APP\\Python\\python.exe" -c \
        "import sys; sys.path.insert(0, r'$APP\\pkgs'); $probe" 2>&1 | cat \
        | grep -o 'Failed to load module L"[^"]*"' | grep -v -E 'winemac|\\\\' | sort -u \
        | sed "s/^/  $probe: /"
done
step "silent uninstall"
mkdir -p "$WINEPREFIX/drive_c/users/$WUSER/AppData/Local/dry-electrode-hmi"
echo user-data > "$WINEPREFIX/drive_c/users/$WUSER/AppData/Local/dry-electrode-hmi/marker.txt"
timeout 300 wine "$APP\\uninstall.exe" /S >/dev/null 2>&1
# the uninstaller copies itself to a temporary folder and runs from there: wait for it
for _ in $(seq 60); do [ -e "$UNIX_APP" ] || break; sleep 1; done
[ -e "$UNIX_APP" ] && echo "install folder still there" || echo "install folder removed"
cat "$WINEPREFIX/drive_c/users/$WUSER/AppData/Local/dry-electrode-hmi/marker.txt"
