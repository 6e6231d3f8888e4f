#!/usr/bin/env bash
# Installs the system packages the tests need, once, on a fresh Debian machine:
#   promtool (package prometheus) to check our /metrics output;
#   chromium, the browser the dashboard tests drive through playwright-core (never a downloaded one).
# Idempotent and quick when everything is already there.
set -euo pipefail
need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "setup: installing ${need[*]} from Debian's apt" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
