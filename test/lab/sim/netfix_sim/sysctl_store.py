"""The kernel side of sysctl: reading and writing keys, and the files that set them.

/proc/sys/net inside a lab host is the simulated tree, so net.* keys are read and written there.
Other keys are read from the real kernel and never written to it: a write is remembered per host
in /run/netfix-sim/sysctl-other and read back from there.
"""
import errno
import os

from .host import conf_files, read_kv

PROC = '/proc/sys/'
ETC_CONF = '/etc/sysctl.conf'
SYSTEM_DIRS = {
    'modern': ('/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d'),
    'legacy': ('/run/sysctl.d', '/etc/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d'),
}


def key_path(key):
    """procps's slashdot: dots separate levels unless the key is written with slashes."""
    key = key.strip()
    if '/' in key:
        return PROC + key.lstrip('/'), key.replace('/', '.')
    return PROC + key.replace('.', '/'), key


def _is_net(path):
    return path.startswith(PROC + 'net/') or path == PROC + 'net'


class Sysctl:
    def __init__(self, host):
        self.host = host
        self.other_path = host.state_path('sysctl-other')
        self.other = read_kv(self.other_path)

    def read(self, path):
        rel = path[len(PROC):]
        if not _is_net(path) and rel in self.other:
            return self.other[rel] + '\n'
        with open(path) as f:
            return f.read()

    def write(self, path, value):
        """Returns 0 or an errno, like the kernel's proc handler would."""
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return errno.ENOENT
        if not st.st_mode & 0o222 or os.path.isdir(path):
            return errno.EACCES
        if not _is_net(path):
            self.other[path[len(PROC):]] = value
            with open(self.other_path, 'w') as f:
                f.write(''.join('%s=%s\n' % kv for kv in self.other.items()))
            return 0
        try:
            with open(path) as f:
                current = f.read().split()
        except OSError:
            current = []
        new = value.split()
        if current and all(_is_int(t) for t in current):
            if not new or not all(_is_int(t) for t in new) or len(new) > len(current):
                return errno.EINVAL
            if path.startswith(PROC + 'net/bridge/bridge-nf-'):
                new = ['1' if int(new[0]) else '0']  # br_netfilter stores any non-zero as 1
            value = '\t'.join(str(int(t)) for t in new)
        try:
            with open(path, 'w') as f:
                f.write(value + '\n')
        except OSError as e:
            return e.errno
        return 0


def _is_int(t):
    try:
        int(t)
        return True
    except ValueError:
        return False


def parse_conf(path):
    """(line number, key, value, ignore_failure) from a sysctl.conf-style file; None for a bad line."""
    out = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            t = line.strip()
            if not t or t[0] in '#;':
                continue
            ignore = t.startswith('-')
            if ignore:
                t = t[1:]
            name, sep, value = t.partition('=')
            if not sep or not name.strip() or not value.strip():
                out.append((n, None, None, ignore))
                continue
            out.append((n, name.strip(), value.strip(), ignore))
    return out


def system_files(host):
    """sysctl --system's files, /etc/sysctl.conf aside."""
    return conf_files(SYSTEM_DIRS[host.kernel])
