"""Read-only overlay layers that put the simulator in front of the real tools in every host."""
import os

SBIN_TOOLS = ('modprobe', 'lsmod', 'modinfo', 'rmmod', 'insmod', 'depmod', 'sysctl', 'reboot', 'shutdown',
              'halt', 'poweroff', 'service')
BIN_TOOLS = ('kmod', 'uname', 'systemctl', 'journalctl', 'virsh')
SYSTEMD_LIB_TOOLS = ('systemd-sysctl', 'systemd-modules-load')
SYSTEMD_ONLY = ('systemctl', 'journalctl')


def build_layers(labdir):
    """Read-only overlay layers that put the simulator in front of the real tools. sysvinit and
    RHEL 6 hosts get whiteouts instead of systemctl/journalctl: those commands do not exist there."""
    stub = labdir + '/layers/stub'
    os.makedirs(labdir + '/layers', exist_ok=True)
    with open(stub, 'w') as f:
        f.write('#!/usr/bin/python3 -S\nimport sys\nsys.path.insert(0, %r)\n'
                'from netfix_sim.main import main\nmain()\n' % (labdir + '/sim'))
    os.chmod(stub, 0o755)
    for init in ('systemd', 'sysv'):
        for part, tools in (('sbin', SBIN_TOOLS), ('bin', BIN_TOOLS), ('libsystemd', SYSTEMD_LIB_TOOLS)):
            d = '%s/layers/%s/%s' % (labdir, init, part)
            os.makedirs(d, exist_ok=True)
            for tool in tools:
                if init == 'sysv' and tool in SYSTEMD_ONLY:
                    os.mknod(d + '/' + tool, 0o020000, os.makedev(0, 0))  # whiteout
                else:
                    os.link(stub, d + '/' + tool)
