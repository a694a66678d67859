#!/bin/sh
# Ansible's ssh_executable during the bench: one line per ssh process Ansible starts (with
# ControlPersist, one session over the host's master connection; the host's address is among
# the arguments), then the real ssh. Costs one exec of dash per session on the controller.
printf '%s\n' "$*" >>"$NETFIX_BENCH_SSH_LOG"
exec /usr/bin/ssh "$@"
