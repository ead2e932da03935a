#!/usr/bin/env bash
# make package-linux: PyInstaller one-folder bundle -> dist/dry-electrode-hmi_<version>_amd64.deb
source "$(dirname "$0")/common.sh"
B="$BUILD_ROOT/linux"
rm -rf "$B"; mkdir -p "$B"
start=$(date +%s)
write_build_info "$B/build_info.json"
HMI_BUILD_INFO="$B/build_info.json" "$ROOT/.venv/bin/pyinstaller" --noconfirm --log-level WARN \
    --distpath "$B/bundle" --workpath "$B/work" "$ROOT/packaging/hmi.spec"
BUNDLE="$B/bundle/$PKG"
"$PY" "$ROOT/packaging/licenses.py" "$BUNDLE/licenses"

STAGE="$B/deb"
mkdir -p "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/DEBIAN"
mv "$BUNDLE" "$STAGE/opt/$PKG"
install -m 0755 "$ROOT/packaging/linux/hmi" "$STAGE/usr/bin/hmi"
install -D -m 0644 "$ROOT/packaging/linux/$PKG.desktop" "$STAGE/usr/share/applications/$PKG.desktop"
install -D -m 0644 "$ROOT/packaging/icon.svg" "$STAGE/usr/share/icons/hicolor/scalable/apps/$PKG.svg"
install -D -m 0644 "$ROOT/packaging/linux/hmi-kiosk.service" "$STAGE/usr/lib/systemd/user/hmi-kiosk.service"
install -D -m 0644 "$ROOT/packaging/linux/hmi-kiosk.desktop" "$STAGE/usr/share/$PKG/autostart/hmi-kiosk.desktop"
ln -s "/opt/$PKG/_internal/resources/scenarios" "$STAGE/usr/share/$PKG/scenarios"
install -D -m 0644 "$ROOT/packaging/linux/copyright" "$STAGE/usr/share/doc/$PKG/copyright"

DEPENDS="$("$PY" "$ROOT/packaging/deb_depends.py" "$STAGE/opt/$PKG")"
SIZE_KB=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@DEPENDS@/$DEPENDS/" -e "s/@SIZE@/$SIZE_KB/" \
    "$ROOT/packaging/linux/control.in" > "$STAGE/DEBIAN/control"
OUT="$DIST/${PKG}_${VERSION}_amd64.deb"
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$OUT" >/dev/null
end=$(date +%s)
echo "built $OUT ($(du -h "$OUT" | cut -f1), installed size ${SIZE_KB} KiB, $((end - start)) s, commit $COMMIT)"
echo "Depends: $DEPENDS"
