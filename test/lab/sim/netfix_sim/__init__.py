"""Kernel simulator for the netfix lab: modprobe, sysctl, systemctl and friends, per lab host.

Every tool reads and writes the host's private /sys/module, /proc/sys/net, /etc and /run, so its
state is whatever those trees say: nothing is cached between invocations.
"""
