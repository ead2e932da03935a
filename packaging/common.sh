# Sourced by the build scripts: version, commit, build root.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PY:-$ROOT/.venv/bin/python}"
VERSION="$("$PY" -c 'import tomllib,sys; print(tomllib.load(open(sys.argv[1],"rb"))["project"]["version"])' "$ROOT/pyproject.toml")"
COMMIT="$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    COMMIT="$COMMIT-dirty"
fi
# Large build trees live outside the work tree (default /tmp/hmi-build); dist/ holds results.
BUILD_ROOT="${HMI_BUILD_ROOT:-/tmp/hmi-build}"
DIST="$ROOT/dist"
PKG=dry-electrode-hmi
mkdir -p "$BUILD_ROOT" "$DIST"

write_build_info() {  # $1: path of build_info.json
    "$PY" - "$1" "$VERSION" "$COMMIT" <<'PYEOF'
import json, sys, time
path, version, commit = sys.argv[1:]
stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
json.dump({"version": version, "commit": commit, "built": stamp}, open(path, "w"))
PYEOF
}
