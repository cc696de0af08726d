#!/bin/sh
# Install one pinned release of the dagger CLI, checked against the release's
# published checksums.txt before anything is unpacked.
#
#   install-dagger.sh VERSION DEST_DIR [amd64|arm64]
#
# VERSION: 0.21.11 or v0.21.11. DEST_DIR: where the `dagger` binary goes.
# The architecture defaults to the machine's (uname -m).
#
# Where the archive and checksums.txt are downloaded from (a mirror; the tests
# use file:// URLs), first set wins:
#   DAGGER_RELEASE_URL  the folder of THIS version, used as given, for layouts
#                       that name versions their own way, e.g. Dagger's own
#                       download host: https://dl.dagger.io/dagger/releases/0.21.11
#   DAGGER_BASE_URL     a folder of releases laid out like GitHub's: /v<version>
#                       is appended (default https://github.com/dagger/dagger/releases/download)
# Used by .docker/Dockerfile (build stage) and by the GitLab CI component,
# which carries this file verbatim (templates/quality-gate.yml: it runs in
# projects that have none of this repository's files; a test keeps the two
# equal), so both install the CLI the same, verified way. POSIX sh: runs on
# Debian and on the Alpine-based docker:*-cli image (curl or busybox wget).
set -eu

usage="usage: install-dagger.sh VERSION DEST_DIR [amd64|arm64]"
version=${1:?${usage}}
dest=${2:?${usage}}
arch=${3:-}
version=${version#v}

if [ -z "${arch}" ]; then
    machine=$(uname -m)
    case "${machine}" in
        x86_64 | amd64) arch=amd64 ;;
        aarch64 | arm64) arch=arm64 ;;
        *)
            echo "install-dagger.sh: unsupported machine ${machine} (amd64 and arm64 only)" >&2
            exit 1
            ;;
    esac
fi
case "${arch}" in
    amd64 | arm64) ;;
    *)
        echo "install-dagger.sh: unsupported architecture '${arch}' (amd64 and arm64 only)" >&2
        exit 1
        ;;
esac

if [ -n "${DAGGER_RELEASE_URL:-}" ]; then
    base="${DAGGER_RELEASE_URL%/}"
else
    base="${DAGGER_BASE_URL:-https://github.com/dagger/dagger/releases/download}/v${version}"
fi
archive="dagger_v${version}_linux_${arch}.tar.gz"

tmp=$(mktemp -d)
trap 'rm -rf "${tmp}"' EXIT

fetch() {
    if command -v curl >/dev/null 2>&1; then
        curl --fail --silent --show-error --location --retry 3 --output "$2" "$1"
    else
        wget -q -O "$2" "$1"
    fi
}

fetch "${base}/${archive}" "${tmp}/${archive}"
fetch "${base}/checksums.txt" "${tmp}/checksums.txt"

# Keep exactly the line for our archive (second field equal to its name), then
# let sha256sum check it: a missing line or a mismatch stops the install.
awk -v name="${archive}" '$2 == name' "${tmp}/checksums.txt" >"${tmp}/SHA256SUMS"
if [ ! -s "${tmp}/SHA256SUMS" ]; then
    echo "install-dagger.sh: no checksum for ${archive} in checksums.txt" >&2
    exit 1
fi
(cd "${tmp}" && sha256sum -c SHA256SUMS)

tar -xzf "${tmp}/${archive}" -C "${tmp}" dagger
mkdir -p "${dest}"
cp "${tmp}/dagger" "${dest}/dagger"
chmod 0755 "${dest}/dagger"
echo "install-dagger.sh: dagger v${version} (linux/${arch}) installed in ${dest}"
