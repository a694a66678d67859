"""`service NAME ACTION`: on systemd hosts it hands over to systemctl, like Debian's and RHEL's
service(8); on sysvinit hosts it runs the init scripts that matter here."""
import sys

from . import boot_steps, libvirt


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
    return _libvirtd(host, action)


def _libvirtd(host, action):
    """/etc/init.d/libvirtd as Debian's and RHEL 6's scripts word it (LSB exit codes)."""
    rhel = host.init == 'rhel6'
    up = libvirt.running(host)
    if action == 'status':
        if up:
            sys.stdout.write('libvirtd (pid  %d) is running...\n' % libvirt.main_pid(host) if rhel
                             else 'libvirtd is running.\n')
            return 0
        sys.stdout.write('libvirtd is stopped\n' if rhel else 'libvirtd is not running ... failed!\n')
        return 3
    if action not in ('start', 'stop', 'restart', 'force-reload', 'reload', 'condrestart', 'try-restart'):
        sys.stderr.write('Usage: /etc/init.d/libvirtd {start|stop|restart|reload|force-reload|status}\n')
        return 2 if rhel else 1
    if action in ('condrestart', 'try-restart') and not up:
        return 0
    if action in ('stop', 'restart', 'force-reload', 'reload', 'condrestart', 'try-restart'):
        sys.stdout.write('Stopping libvirtd daemon: [  OK  ]\n' if rhel
                         else 'Stopping libvirt management daemon: libvirtd.\n')
        libvirt.sysv_stop(host)
    if action != 'stop':
        sys.stdout.write('Starting libvirtd daemon: [  OK  ]\n' if rhel
                         else 'Starting libvirt management daemon: libvirtd.\n')
        if not (action == 'start' and up):
            libvirt.sysv_start(host)
    return 0
