#!/usr/bin/env bash
# Installs what the tests need from Debian when it is missing: valkey-server (bookworm-backports) and chromium.
# Idempotent: does nothing when both are already on the machine.
set -euo pipefail
need=()
command -v valkey-server >/dev/null 2>&1 || need+=(valkey)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

# bookworm-backports carries Valkey 8: same URI and keyring as the main suite's entry.
if [[ " ${need[*]} " == *" valkey "* ]] && ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  $SUDO tee /etc/apt/sources.list.d/backports.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

export DEBIAN_FRONTEND=noninteractive
# A third-party source that cannot be reached must not stop the install.
$SUDO apt-get update -qq >/dev/null 2>&1 || true
for n in "${need[@]}"; do
  case "$n" in
    valkey) $SUDO apt-get install -y -qq -t bookworm-backports valkey-server >/dev/null ;;
    chromium) $SUDO apt-get install -y -qq chromium >/dev/null ;;
  esac
done
# The packaged service is not wanted: tests start their own valkey-server on a free port.
if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now valkey-server >/dev/null 2>&1 || true; fi
command -v valkey-server >/dev/null && command -v chromium >/dev/null
