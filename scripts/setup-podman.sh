#!/usr/bin/env bash
# Prepares this machine for the podman runtime (docs/runtimes.md, "podman (local, no registry)":
# the verified recipe on Debian 12, root, no registry). Idempotent: installs podman + runc only when missing and writes
# /etc/containers/containers.conf only when its content differs.
#   sudo scripts/setup-podman.sh
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup-podman: must run as root (or with sudo available)" >&2; exit 1
  fi
fi

missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v runc >/dev/null 2>&1 || missing+=(runc)
# catatonit: the pause binary of the pod's infra container (a podman "Recommends", needed by kube play).
if ! command -v catatonit >/dev/null 2>&1 && [ ! -x /usr/libexec/podman/catatonit ]; then missing+=(catatonit); fi
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-podman: ${missing[*]} missing and no apt-get here; install them with your package manager" >&2
    exit 1
  fi
  echo "setup-podman: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
fi

# crun fails on cgroup hybrid hosts; default ulimits make `kube play` fail in some containers.
conf=/etc/containers/containers.conf
want='# written by hook-latency scripts/setup-podman.sh
[containers]
default_ulimits = []

[engine]
runtime = "runc"'
if [ ! -f "$conf" ] || [ "$(cat "$conf")" != "$want" ]; then
  $SUDO mkdir -p /etc/containers
  if [ -f "$conf" ] && ! grep -q 'hook-latency scripts/setup-podman.sh' "$conf"; then
    $SUDO cp "$conf" "$conf.bak-hook-latency"
    echo "setup-podman: previous $conf saved as $conf.bak-hook-latency"
  fi
  printf '%s\n' "$want" | $SUDO tee "$conf" >/dev/null
  echo "setup-podman: wrote $conf"
fi

podman --version
runc --version | head -n 1
