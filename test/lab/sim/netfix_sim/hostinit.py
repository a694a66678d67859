"""Build one lab host's private trees before its namespace exists (run by the lab daemon)."""
import os
import stat
import time

from . import distro, libvirt
from .host import Host, Roots, write_file
from .kernel import Kernel


def create(hostdir, name, kernel, init):
    flavour = distro.pick(kernel, init)
    etc = hostdir + '/etc'
    for sub in ('etc', 'etc-work', 'var', 'var-work', 'run/sshd', 'run/netfix-sim/units', 'sys-module', 'proc-sys-net',
                'sys-class-net'):
        os.makedirs(hostdir + '/' + sub, exist_ok=True)
    os.chmod(hostdir + '/run/sshd', 0o755)  # sshd's privilege separation directory
    for rel, entry in sorted(distro.layout(flavour, init).items()):
        _put(etc + '/' + rel, entry)
    write_file(etc + '/hostname', name + '\n', 0o644)
    os.makedirs(hostdir + '/root', mode=0o700, exist_ok=True)
    for fname, text in distro.ROOT_HOME.items():
        write_file(hostdir + '/root/' + fname, text, 0o644)
    if init == 'systemd':
        os.makedirs(hostdir + '/run/systemd/system', exist_ok=True)  # sd_booted(): this host runs systemd
    state = hostdir + '/run/netfix-sim'
    write_file(state + '/host.conf', 'name=%s\nkernel=%s\ninit=%s\ndistro=%s\n' % (name, kernel, init, flavour))
    write_file(state + '/boot-id', os.urandom(8).hex() + '\n')
    roots = Roots(sysmod=hostdir + '/sys-module', net=hostdir + '/proc-sys-net', run=hostdir + '/run', inside=False,
                  etc=etc, sysnet=hostdir + '/sys-class-net')
    host = Host(roots)
    Kernel(host).reset()
    libvirt.install(host)
    started = ['libvirtd.service']
    if init == 'systemd':
        started += ['systemd-modules-load.service', 'systemd-sysctl.service']
    for unit in started:
        write_file(state + '/units/' + unit, 'active %.3f\n' % time.time())
    return flavour


def _put(path, entry):
    kind = entry[0]
    if kind == 'file':
        write_file(path, entry[1], entry[2])
    elif kind in ('dir', 'opaque'):
        os.makedirs(path, exist_ok=True)
        if kind == 'opaque':
            os.setxattr(path, 'trusted.overlay.opaque', b'y')
    elif kind == 'link':
        os.symlink(entry[1], path)
    elif kind == 'whiteout':
        os.mknod(path, stat.S_IFCHR | 0o000, os.makedev(0, 0))
