"""Who this host is and where its state lives.

Inside a lab host every path is the real one: the lab mounted the host's private trees over
/etc, /run, /sys/module, /sys/class/net and /proc/sys/net. The lab daemon prepares a host before
its namespace exists, so it passes other roots.
"""
import os
import time

from . import catalog

STATE = '/run/netfix-sim'


class Roots:
    __slots__ = ('sysmod', 'net', 'run', 'inside', 'etc', 'sysnet')

    def __init__(self, sysmod='/sys/module', net='/proc/sys/net', run='/run', inside=True, etc='/etc',
                 sysnet='/sys/class/net'):
        self.sysmod, self.net, self.run = sysmod, net, run
        self.etc, self.sysnet = etc, sysnet
        # Only inside the host's mount namespace may the simulator mount (read-only parameter files).
        self.inside = inside

    @property
    def state(self):
        return self.run + '/netfix-sim'


def read_kv(path):
    out = {}
    try:
        with open(path) as f:
            for line in f:
                k, sep, v = line.rstrip('\n').partition('=')
                if sep:
                    out[k] = v
    except FileNotFoundError:
        pass
    return out


class Host:
    def __init__(self, roots=None):
        self.roots = roots or Roots()
        conf = read_kv(self.roots.state + '/host.conf')
        self.name = conf.get('name', 'localhost')
        self.kernel = conf.get('kernel', 'modern')  # 'modern' | 'legacy'
        self.init = conf.get('init', 'systemd')  # 'systemd' | 'sysvinit' | 'rhel6'
        self.distro = conf.get('distro', 'debian12')
        self.catalog = catalog.modules(self.kernel)

    @property
    def release(self):
        return catalog.RELEASE[self.kernel]

    def state_path(self, name):
        return self.roots.state + '/' + name

    def flag(self, name):
        return os.path.exists(self.state_path(name))

    def lock(self):
        """Serialise changes to the simulated kernel (two modprobes at once, a reboot)."""
        import fcntl

        if os.environ.get('NETFIX_SIM_LOCK_HELD'):
            return None  # an install command run by a modprobe that holds the lock
        fd = os.open(self.state_path('lock'), os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd

    def unlock(self, fd):
        if fd is not None:
            os.close(fd)

    def log(self, ident, message, unit='', pid=None):
        """Append one record to the host's journal (the boot log). Tab-separated, no json: the
        tools that write it must start fast."""
        line = '%.6f\t%s\t%d\t%s\t%s\n' % (
            time.time(), ident, os.getpid() if pid is None else pid, unit, message.replace('\n', ' '))
        with open(self.state_path('journal'), 'a') as f:
            f.write(line)


def read_journal(host):
    entries = []
    try:
        with open(host.state_path('journal')) as f:
            for line in f:
                parts = line.rstrip('\n').split('\t', 4)
                if len(parts) == 5:
                    t, ident, pid, unit, msg = parts
                    entries.append({'t': float(t), 'ident': ident, 'pid': pid, 'unit': unit, 'msg': msg})
    except FileNotFoundError:
        pass
    return entries


def conf_files(dirs, suffix='.conf'):
    """The configuration files of a *.d scheme (kmod, systemd, procps all do it this way): a file
    name found in an earlier directory hides the same name in later ones; the rest in name order.
    A directory that is another by a symlink (/lib -> usr/lib) counts once."""
    seen, real_dirs = {}, set()
    for d in dirs:
        real = os.path.realpath(d)
        if real in real_dirs:
            continue
        real_dirs.add(real)
        try:
            names = os.listdir(d)
        except OSError:
            continue
        for name in names:
            if name.endswith(suffix) and name not in seen:
                seen[name] = d + '/' + name
    return [seen[k] for k in sorted(seen)]


def write_file(path, text, mode=None):
    with open(path, 'w') as f:
        f.write(text)
    if mode is not None:
        os.chmod(path, mode)


def read_file(path):
    with open(path) as f:
        return f.read()


def rmtree(path):
    """shutil.rmtree without importing shutil (10 ms of start-up per tool call)."""
    if os.path.islink(path) or not os.path.isdir(path):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        return
    for top, dirs, files in os.walk(path, topdown=False):
        for f in files:
            os.unlink(os.path.join(top, f))
        for d in dirs:
            p = os.path.join(top, d)
            if os.path.islink(p):
                os.unlink(p)
            else:
                os.rmdir(p)
    os.rmdir(path)


def err(prog, message):
    import sys

    sys.stderr.write('%s: %s\n' % (prog, message))
