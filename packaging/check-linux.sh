#!/usr/bin/env bash
# make package-check: install the .deb in a clean Debian root and use it there as a customer
# would. Needs root (debootstrap, chroot, mount). Not part of make test: it takes minutes.
#   1. debootstrap a minimal bookworm root (cached as a tarball, unpacked fresh every run)
#   2. apt-get install ./the.deb --no-install-recommends: only what the package declares
#   3. as a user in the root: hmi --version; hmi --self-test --screenshot offscreen and on
#      Xvfb (xcb plugin; the X server runs outside, the root sees only its socket);
#      hmi sim run on a shipped scenario
#   4. OCR (tesseract) on both screenshots finds the screen's words: text, not empty boxes
#   5. negative control: fonts removed from the root, the same check must fail
#   6. apt-get purge: the program is gone, the user's data is still there, unchanged
source "$(dirname "$0")/common.sh"
DEB="${1:-$DIST/${PKG}_${VERSION}_amd64.deb}"
[ -f "$DEB" ] || { echo "package-check: $DEB missing: run make package-linux first" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "package-check: needs root (debootstrap, chroot)" >&2; exit 2; }
MIRROR="${HMI_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
TARBALL="$BUILD_ROOT/bookworm-minbase.tar"
R="$BUILD_ROOT/check-root"
OUT="$BUILD_ROOT/check-out"
DISPLAY_NUM=97
need=()
for tool in debootstrap Xvfb tesseract; do command -v "$tool" >/dev/null || need+=("$tool"); done
if [ ${#need[@]} -gt 0 ]; then
    apt-get install -y -qq debootstrap xvfb tesseract-ocr >/dev/null
fi

step() { printf '\n== %s\n' "$*"; }
cleanup() {
    [ -n "${XVFB_PID:-}" ] && kill "$XVFB_PID" 2>/dev/null || true
    for m in tmp/.X11-unix dev/pts dev proc; do umount "$R/$m" 2>/dev/null || true; done
}
trap cleanup EXIT
in_root() { chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
as_user() { in_root su - panel -c "LANG=C.UTF-8 $*"; }

step "clean Debian root"
t0=$(date +%s)
if [ ! -f "$TARBALL" ]; then
    rm -rf "$BUILD_ROOT/bootstrap"
    debootstrap --variant=minbase bookworm "$BUILD_ROOT/bootstrap" "$MIRROR" >/dev/null
    tar -C "$BUILD_ROOT/bootstrap" -cf "$TARBALL" .
    rm -rf "$BUILD_ROOT/bootstrap"
fi
cleanup
rm -rf "$R" "$OUT"; mkdir -p "$R" "$OUT"
tar -C "$R" -xf "$TARBALL"
mount -t proc proc "$R/proc"; mount --bind /dev "$R/dev"; mount --bind /dev/pts "$R/dev/pts"
cp /etc/resolv.conf "$R/etc/resolv.conf"
echo "root ready in $(( $(date +%s) - t0 )) s ($(du -shx "$R" | cut -f1))"
in_root apt-get update -qq
in_root dpkg-query -W -f='${Package}\n' | sort > "$OUT/before.txt"

step "apt-get install ./$(basename "$DEB")"
cp "$DEB" "$R/tmp/"
t0=$(date +%s)
in_root apt-get install -y -qq --no-install-recommends "/tmp/$(basename "$DEB")" >"$OUT/apt-install.log"
in_root dpkg-query -W -f='${Package}\n' | sort > "$OUT/after.txt"
echo "installed in $(( $(date +%s) - t0 )) s; packages that came in: $(comm -13 "$OUT/before.txt" "$OUT/after.txt" | wc -l)"
echo "came in: $(comm -13 "$OUT/before.txt" "$OUT/after.txt" | tr '\n' ' ')"
echo "installed size: $(du -sh "$R/opt/$PKG" | cut -f1) in /opt/$PKG; Installed-Size $(in_root dpkg-query -W -f='${Installed-Size}' "$PKG") KiB"
in_root useradd -m -s /bin/sh panel

step "hmi --version"
as_user hmi --version

step "hmi --self-test --screenshot (offscreen)"
as_user "QT_QPA_PLATFORM=offscreen hmi --self-test --screenshot /tmp/shot-offscreen.png"

step "hmi --self-test --screenshot (xcb, Xvfb :$DISPLAY_NUM)"
Xvfb ":$DISPLAY_NUM" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
XVFB_PID=$!
for _ in $(seq 50); do [ -S "/tmp/.X11-unix/X$DISPLAY_NUM" ] && break; sleep 0.1; done
mkdir -p "$R/tmp/.X11-unix"; mount --bind /tmp/.X11-unix "$R/tmp/.X11-unix"
as_user "DISPLAY=:$DISPLAY_NUM QT_QPA_PLATFORM=xcb hmi --self-test --screenshot /tmp/shot-xcb.png"

as_user "QT_QPA_PLATFORM=offscreen hmi --self-test --screen About --screenshot /tmp/shot-about.png" | tail -n 1

step "hmi sim run (shipped scenario)"
as_user "hmi sim run /usr/share/$PKG/scenarios/steady_state.toml" | tail -n 12

step "the screenshots show text, not empty boxes (OCR)"
cp "$R/tmp/shot-offscreen.png" "$R/tmp/shot-xcb.png" "$R/tmp/shot-about.png" "$OUT/"
"$PY" "$ROOT/packaging/text_check.py" "$OUT/shot-offscreen.png" "$OUT/shot-xcb.png"

step "negative control: the same check on a root without fonts must fail"
in_root dpkg --force-depends --purge fonts-dejavu-core >/dev/null 2>&1
as_user "QT_QPA_PLATFORM=offscreen hmi --self-test --screenshot /tmp/shot-nofonts.png" >/dev/null || true
cp "$R/tmp/shot-nofonts.png" "$OUT/"
if "$PY" "$ROOT/packaging/text_check.py" "$OUT/shot-nofonts.png"; then
    echo "package-check FAILED: the text check passed on a root without fonts" >&2; exit 1
fi
echo "as expected: the check fails without fonts"
in_root apt-get install -y -qq --no-install-recommends fonts-dejavu-core >/dev/null

step "apt-get purge: the program goes, the user's data stays"
DATA="/home/panel/.local/share/$PKG"
in_root sh -c "cd $DATA && ls -la && sha256sum hmi.sqlite3" | tee "$OUT/data-before.txt"
in_root apt-get purge -y -qq "$PKG" >/dev/null
for gone in "/opt/$PKG" /usr/bin/hmi "/usr/share/applications/$PKG.desktop"; do
    [ ! -e "$R$gone" ] || { echo "package-check FAILED: $gone still there after purge" >&2; exit 1; }
done
in_root sh -c "cd $DATA && sha256sum hmi.sqlite3" > "$OUT/data-after.txt"
grep -q -F "$(cat "$OUT/data-after.txt")" "$OUT/data-before.txt" \
    || { echo "package-check FAILED: the user's store changed or went" >&2; exit 1; }
echo "program removed; $DATA/hmi.sqlite3 unchanged ($(cut -c1-16 "$OUT/data-after.txt")…)"
echo
echo "package-check: OK (screenshots in $OUT)"
