"""`service NAME ACTION`: on systemd hosts it hands over to systemctl, like Debian's and RHEL's
service(8); on sysvinit hosts it runs the init scripts that matter here."""
import sys

from . import boot_steps, units


def main(host, argv):
    args = [a for a in argv if not a.startswith('-')]
    if len(args) < 2:
        sys.stderr.write('Usage: service < option > | --status-all | [ service_name [ command | --full-restart ] ]\n')
        return 1
    name, action = args[0], args[1]
    if host.init == 'systemd':
        from . import systemctl_cli

        return systemctl_cli.main(host, [action, name])
    lock = host.lock()
    try:
        return _sysv(host, name, action)
    finally:
        host.unlock(lock)


def _sysv(host, name, action):
    if name == 'procps' and host.init == 'sysvinit' and action in ('start', 'restart', 'reload', 'force-reload'):
        return 0 if boot_steps.procps_system(host, 'procps') else 1
    if name == 'kmod' and host.init == 'sysvinit' and action in ('start', 'restart'):
        return 0 if boot_steps.debian_kmod(host) else 1
    if name != 'libvirtd':
        sys.stderr.write('%s: unrecognized service\n' % name)
        return 1
    unit = 'libvirtd.service'
    st = units.state(host, unit)[0]
    if action == 'status':
        sys.stdout.write('libvirtd is running.\n' if st == 'active' else 'libvirtd is stopped\n')
        return 0 if st == 'active' else 3
    if action in ('stop', 'restart'):
        units.set_state(host, unit, 'inactive')
    if action in ('start', 'restart'):
        units.set_state(host, unit, 'active')
    return 0
