#!/usr/bin/env bash
# Installs the system programs the test suite drives as real peers: redis-server (cluster tests),
# nginx (proxy that blocks or forwards WebSocket upgrades), chromium (browser client tests) and nftables
# and iproute2 (`ip netns`, `tc` for the network faults between namespaces in packages/testing/test/faults).
# Only what is missing is installed, from Debian's packages. Tests never skip when one is absent:
# they fail loudly, so this script is the one place that makes a fresh machine ready.
set -euo pipefail

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
{ command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } || need+=(nginx-light)
{ command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; } || need+=(chromium)
{ command -v nft >/dev/null 2>&1 || [ -x /usr/sbin/nft ]; } || need+=(nftables)
{ command -v tc >/dev/null 2>&1 || [ -x /usr/sbin/tc ]; } || need+=(iproute2)

if [ ${#need[@]} -eq 0 ]; then
  echo "system-deps: redis-server, nginx, chromium, nftables and iproute2 are present"
  exit 0
fi

echo "system-deps: installing ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "system-deps: missing ${need[*]} and not root (no sudo). Install them with: apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: missing ${need[*]} and no apt-get on this machine; install them with your package manager" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "system-deps: installed ${need[*]}"
