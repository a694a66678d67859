#!/usr/bin/env bash
# Installs what the lab, the tests and the demo need on this (Debian) machine, only when missing:
# CI runs on a clean clone and nothing installed by hand survives to it.
set -euo pipefail

need=()
command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v unshare >/dev/null 2>&1 || need+=(util-linux)
command -v nsenter >/dev/null 2>&1 || need+=(util-linux)
command -v sudo >/dev/null 2>&1 || need+=(sudo)
[ -x /usr/bin/python3 ] || need+=(python3-minimal)
command -v ps >/dev/null 2>&1 || need+=(procps)
# The lab's hung modprobe is a small C program compiled at lab start (test/lab/d-state.ts); the
# lab's own tests compare the simulator's modinfo with this machine's kmod.
command -v cc >/dev/null 2>&1 || need+=(gcc)
[ -e /usr/include/stdlib.h ] || need+=(libc6-dev)
command -v modinfo >/dev/null 2>&1 || [ -x /usr/sbin/modinfo ] || need+=(kmod)
# Scheduled runs: the PostgreSQL history tests start a throwaway server; the unit tests check
# timers with systemd-analyze (verify works on files: systemd need not be running).
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
# The HTML report test drives Debian's Chromium (playwright-core never downloads a browser) and
# the JUnit report is checked against an XSD with xmllint.
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)

# shellcheck source=apt-install-missing.sh
. "$(dirname "$0")/apt-install-missing.sh"
apt_install_missing 'netfix: the lab' "${need[@]}"
# sshd refuses to start without its privilege-separation directory.
mkdir -p /run/sshd 2>/dev/null || true
