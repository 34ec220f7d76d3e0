#!/bin/bash
# Builds the Debian package with CPack in the build folder, unpacks it and
# checks what a user gets: `usr/bin/qkov --version` runs and prints the
# version, the workbench, its .desktop entry, AppStream metainfo and icon are
# there, and dpkg-shlibdeps filled in the dependencies.
# Usage: check_deb.sh <build dir> <cpack> <expected version>
set -euo pipefail

build_dir=$1
cpack=$2
version=$3

fail() { echo "FAIL: $*" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# -B keeps the package and CPack's staging area out of the build folder.
(cd "$build_dir" && "$cpack" -G DEB -B "$work/out") > "$work/cpack.log" 2>&1 \
    || { cat "$work/cpack.log" >&2; fail "cpack -G DEB failed"; }

shopt -s nullglob
debs=("$work"/out/*.deb)
[ ${#debs[@]} -eq 1 ] || fail "expected one .deb, found ${#debs[@]}: ${debs[*]:-none}"
deb=${debs[0]}
echo "package: $(basename "$deb")"

[ "$(dpkg-deb -f "$deb" Package)" = "qkov-workbench" ] || fail "package name is '$(dpkg-deb -f "$deb" Package)'"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "package version is '$(dpkg-deb -f "$deb" Version)', not $version"
depends=$(dpkg-deb -f "$deb" Depends)
[ -n "$depends" ] || fail "the package declares no dependencies (dpkg-shlibdeps did not run)"
grep -q "libqt6widgets6" <<<"$depends" || fail "Depends lacks the Qt Widgets library: $depends"

root="$work/root"
dpkg -x "$deb" "$root"

for file in usr/bin/qkov usr/bin/qkov-workbench; do
    [ -x "$root/$file" ] || fail "$file is missing or not executable"
done
for file in usr/share/applications/org.qkov.Workbench.desktop \
            usr/share/metainfo/org.qkov.Workbench.metainfo.xml \
            usr/share/icons/hicolor/scalable/apps/org.qkov.Workbench.svg; do
    [ -s "$root/$file" ] || fail "$file is missing or empty"
done
grep -q '^Exec=qkov-workbench' "$root/usr/share/applications/org.qkov.Workbench.desktop" \
    || fail "the .desktop entry does not start qkov-workbench"

printed=$(QT_QPA_PLATFORM=offscreen "$root/usr/bin/qkov" --version 2>&1) || fail "qkov --version failed: $printed"
[ "$printed" = "qkov $version" ] || fail "qkov --version printed '$printed', expected 'qkov $version'"

echo "OK: $printed; Depends: $depends"
