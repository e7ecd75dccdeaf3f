#!/usr/bin/env bash
# Provides Kokkos with the Serial and OpenMP backends in .deps/kokkos, unless
# the user points at their own (Kokkos_ROOT). Debian's libtrilinos-kokkos-dev
# has only the Serial backend, so this builds Kokkos 3.4.1 from Debian's
# `trilinos` source package (packages/kokkos of it). The source index is read
# with apt's state kept under .deps/apt: the system's apt configuration is not
# changed. Idempotent: returns at once when the install exists.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX="$ROOT/.deps/kokkos"
[ -n "${Kokkos_ROOT:-}" ] && exit 0
[ -f "$PREFIX/lib/cmake/Kokkos/KokkosConfig.cmake" ] && exit 0
source "$ROOT/tools/env.sh"

APT="$ROOT/.deps/apt"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/sources" "$APT/src"
cat >"$APT/sources/debian-src.sources" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$APT/sources"
      -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache" -o APT::Sandbox::User=root)
echo "[setup] kokkos: fetching Debian's trilinos source package (about 166 MB)"
apt-get "${opts[@]}" -qq update
# apt checks the files against the signed source index.
(cd "$APT/src" && apt-get "${opts[@]}" -qq source --download-only trilinos)
orig="$(ls "$APT"/src/trilinos_*.orig.tar.gz | head -1)"
rm -rf "$APT/kokkos-src" && mkdir -p "$APT/kokkos-src"
tar -xzf "$orig" -C "$APT/kokkos-src" --strip-components=3 --wildcards '*/packages/kokkos/*'

echo "[setup] kokkos: building Serial + OpenMP into $PREFIX"
cmake -S "$APT/kokkos-src" -B "$APT/kokkos-build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_CXX_STANDARD=17 -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
      -DKokkos_ENABLE_SERIAL=ON -DKokkos_ENABLE_OPENMP=ON -DKokkos_ENABLE_TESTS=OFF >/dev/null
cmake --build "$APT/kokkos-build"
cmake --install "$APT/kokkos-build" >/dev/null
rm -rf "$APT/src" "$APT/kokkos-src" "$APT/kokkos-build"
