#!/usr/bin/env bash
# Installs what `npm run bench` compares netfix with, only when missing: Debian's ansible
# (ansible-core 2.14 plus the community.general and ansible.posix collections the bench
# playbook uses), python3-mitogen and ansible-mitogen. Debian splits Mitogen in two: the
# library (python3-mitogen) and the Ansible strategy plugins (ansible-mitogen, installed into
# ansible/plugins/strategy/); the second is the one Ansible needs. With --skip-ansible the bench
# does not call this.
set -euo pipefail

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

need=()
for pkg in ansible python3-mitogen ansible-mitogen; do
  installed "$pkg" || need+=("$pkg")
done

if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "netfix bench: needs ${need[*]}; run as root or: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "netfix bench: installing ${need[*]} (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
