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

# shellcheck source=apt-install-missing.sh
. "$(dirname "$0")/apt-install-missing.sh"
apt_install_missing 'netfix bench' "${need[@]}"
