# Sourced by the ensure-*-deps scripts: apt_install_missing WHO PACKAGE... installs the packages
# (none: nothing to do) as root, or says which command to run and fails.
apt_install_missing() {
  local who=$1
  shift
  [ "$#" -gt 0 ] || return 0
  if [ "$(id -u)" != 0 ]; then
    echo "$who needs: $*; run as root or: sudo apt-get install -y $*" >&2
    return 1
  fi
  echo "$who: installing $* (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
