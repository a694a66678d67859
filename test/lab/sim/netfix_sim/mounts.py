"""mount(2), umount2(2), unshare(2), setns(2) and sethostname(2) through ctypes (Python 3.11 has
no os.unshare/os.setns, and forking mount(8) costs 5-10 ms per call)."""
import ctypes
import os

MS_RDONLY = 1
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2
CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
PR_SET_PDEATHSIG = 1
PR_SET_NAME = 15
PR_SET_CHILD_SUBREAPER = 36

_libc = ctypes.CDLL(None, use_errno=True)


def _check(rc, what):
    if rc != 0:
        e = ctypes.get_errno()
        raise OSError(e, '%s: %s' % (what, os.strerror(e)))


def _b(s):
    return s.encode() if isinstance(s, str) else s


def mount(source, target, fstype, flags, data=None):
    _check(_libc.mount(_b(source), _b(target), _b(fstype), ctypes.c_ulong(flags), _b(data)), 'mount %s' % target)


def bind(source, target):
    mount(source, target, None, MS_BIND)


def bind_readonly_in_place(path):
    """Make one file read-only even for root: bind it onto itself, then remount that bind ro."""
    mount(path, path, None, MS_BIND)
    mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY)


def umount(path):
    """Detach a mount; quietly nothing when path is not a mount point."""
    return _libc.umount2(_b(path), MNT_DETACH) == 0


def unshare(flags):
    _check(_libc.unshare(flags), 'unshare')


def setns(fd, nstype):
    _check(_libc.setns(fd, nstype), 'setns')


def sethostname(name):
    b = _b(name)
    _check(_libc.sethostname(b, len(b)), 'sethostname')


def prctl(option, arg):
    return _libc.prctl(option, arg, 0, 0, 0)


def set_comm(name):
    """What ps/pgrep show as the command name (the simulator runs as python3)."""
    _libc.prctl(PR_SET_NAME, ctypes.c_char_p(_b(name)[:15]), 0, 0, 0)


def set_cmdline(args):
    """What `ps -o args` and /proc/<pid>/cmdline show: overwrite this process's own argv area (as
    setproctitle does) so a simulated tool shows as `/sbin/modprobe -q -- iptable_nat`, not as
    `/usr/bin/python3 -S /sbin/modprobe ...`. The area cannot grow: a longer text is cut; the rest
    is NUL-filled (ps and `tr '\\0' ' '` readers see trailing blanks at most). Best effort."""
    try:
        with open('/proc/self/stat') as f:
            rest = f.read().rsplit(')', 1)[1].split()
        start, end = int(rest[45]), int(rest[46])  # fields 48 and 49: arg_start, arg_end
        new = b'\0'.join(_b(a) for a in args) + b'\0'
        size = end - start
        new = new[:size - 1] + b'\0' if len(new) > size else new + b'\0' * (size - len(new))
        with open('/proc/self/mem', 'r+b', buffering=0) as mem:
            mem.seek(start)
            mem.write(new)
    except (OSError, ValueError, IndexError):
        pass
