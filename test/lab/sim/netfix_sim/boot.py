"""reboot: drop every piece of runtime state, then replay the host's boot in order.

It is a simulated kernel reboot: sshd and open connections survive, and the loader that a
previous boot left hanging gives up (it sees a new boot id), as a real reboot would end it.
libvirtd's children are ended, its links go, and it starts again last if it is enabled.
The journal of the previous boots is kept (journal-archive) for lab.journal.
"""
import os
import sys

from . import boot_steps, catalog, libvirt, units
from .host import rmtree
from .kernel import Kernel

RUNTIME_CONFIG = ('/run/modprobe.d', '/run/sysctl.d', '/run/modules-load.d')


def boot_id(host):
    try:
        with open(host.state_path('boot-id')) as f:
            return f.read().strip()
    except FileNotFoundError:
        return ''


def reboot(host):
    lock = host.lock()
    try:
        libvirt.power_off(host)
        Kernel(host).reset()
        for d in RUNTIME_CONFIG:
            if os.path.isdir(d):
                for name in os.listdir(d):
                    rmtree(d + '/' + name)
        _archive_journal(host)
        for name in ('sysctl-other', 'journal'):  # the lab's fault knob (hang-modprobe) survives
            rmtree(host.state_path(name))
        rmtree(host.state_path('units'))
        with open(host.state_path('boot-id'), 'w') as f:
            f.write(os.urandom(8).hex() + '\n')
        host.log('kernel', 'Linux version %s %s' % (catalog.RELEASE[host.kernel], catalog.VERSION[host.kernel]), pid=0)
        if host.init == 'systemd':
            units.start(host, 'systemd-modules-load.service', at_boot=True)
            units.start(host, 'systemd-sysctl.service', at_boot=True)
            if units.enabled(host, 'libvirtd.service') == 'enabled':
                units.start(host, 'libvirtd.service', at_boot=True)
        else:
            if host.init == 'sysvinit':
                boot_steps.debian_kmod(host)
                boot_steps.procps_system(host, 'procps')
            else:
                boot_steps.rhel6_modules(host)
                boot_steps.rhel6_sysctl(host)
            if libvirt.sysv_enabled(host):  # its rc script runs late (S97 on RHEL 6)
                libvirt.sysv_start(host)
            else:
                units.set_state(host, libvirt.UNIT, 'inactive')
    finally:
        host.unlock(lock)


def _archive_journal(host):
    """Append this boot's journal to the archive of earlier boots (lab.journal reads both)."""
    try:
        with open(host.state_path('journal'), 'rb') as f:
            data = f.read()
    except FileNotFoundError:
        return
    with open(host.state_path('journal-archive'), 'ab') as f:
        f.write(data)


def command(host, argv):
    """reboot / shutdown -r / systemctl reboot. Powering off is not simulated."""
    name = argv[0]
    if '--help' in argv or ('-h' in argv and name != 'shutdown'):
        sys.stdout.write('%s [OPTIONS...]\n\nReboot the simulated kernel of this lab host.\n' % name)
        return 0
    if name in ('reboot', 'shutdown') and (name == 'reboot' or '-r' in argv or '--reboot' in argv):
        reboot(host)
        return 0
    sys.stderr.write('%s: powering a lab host off is not simulated (use the lab\'s stopHost)\n' % name)
    return 1
