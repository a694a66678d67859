"""What the init systems run at boot to load modules and apply sysctls, one function each.

systemd: systemd-modules-load (modules-load.d, blacklist honoured for listed names), then
systemd-sysctl (sysctl.d; a missing key is a warning, not a failure: kernel-facts.md).
Debian sysvinit: /etc/init.d/kmod (modules-load.d and /etc/modules), then procps (sysctl --system).
RHEL 6 rc.sysinit: executable /etc/sysconfig/modules/*.modules, then sysctl -e -p.
Each returns True when its unit/script succeeded; messages go to the host's journal.
"""
import io
import os
import sys

from . import modconf
from .host import conf_files
from .kernel import Kernel, KmodError
from .probe import Hang, InstallFailed, Loader
from .sysctl_cli import Cli
from .sysctl_store import Sysctl, key_path, parse_conf

MODULES_LOAD_DIRS = ('/etc/modules-load.d', '/run/modules-load.d', '/usr/local/lib/modules-load.d',
                     '/usr/lib/modules-load.d', '/lib/modules-load.d')
SYSCTL_D_DIRS = ('/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d')


def _lines(path):
    try:
        with open(path) as f:
            for line in f:
                t = line.strip()
                if t and t[0] not in '#;':
                    yield t
    except OSError:
        return


def systemd_modules_load(host, unit=''):
    ident = 'systemd-modules-load'
    cfg, ok = modconf.load(), True
    loader = Loader(Kernel(host), cfg)
    k = loader.k
    denied = 'deny-listed' if host.kernel == 'modern' else 'blacklisted'
    for path in conf_files(MODULES_LOAD_DIRS):
        for name in _lines(path):
            kind, mods, _ = loader.resolve(name)
            if kind is None or kind == 'install':
                host.log(ident, "Failed to find module '%s'" % name, unit)
                ok = False
                continue
            for m in mods:
                st = k.state(m)
                if st == 'builtin':
                    host.log(ident, "Module '%s' is built in" % m, unit)
                elif st == 'live':
                    continue
                elif cfg.is_blacklisted(m):
                    host.log(ident, "Module '%s' is %s" % (m, denied), unit)
                else:
                    ok = _insert_logged(host, loader, m, [], ident, unit) and ok
    return ok


def _insert_logged(host, loader, m, params, ident, unit):
    try:
        loader.load(m, params)
        # systemd-modules-load's words; Debian's kmod script says what it loads beforehand
        said = "Inserted module '%s'" if ident == 'systemd-modules-load' else 'Loading kernel module %s.'
        host.log(ident, said % m, unit)
        return True
    except (InstallFailed, KmodError) as e:
        why = 'Invalid argument' if isinstance(e, InstallFailed) else str(e)
        host.log(ident, "Failed to insert module '%s': %s" % (m, why), unit)
    except Hang as e:
        # A real boot would sit here until the unit's 90 s start timeout; the simulated one
        # records it and moves on, leaving the module 'coming' as the kernel would.
        host.log(ident, "Loading '%s' hangs in __request_module('%s') (simulated D state)" % (m, e), unit)
    return False


def systemd_sysctl(host, unit=''):
    ident = 'systemd-sysctl'
    s, ok = Sysctl(host), True
    settings = {}
    for path in conf_files(SYSCTL_D_DIRS):
        try:
            lines = parse_conf(path)
        except OSError:
            continue
        for _, key, value, ignore in lines:
            if key is None:
                continue
            norm = key_path(key)[0][len('/proc/sys/'):]
            settings.pop(norm, None)  # a later assignment wins and moves to the end
            settings[norm] = (value, ignore)
    for norm, (value, ignore) in settings.items():
        code = s.write('/proc/sys/' + norm, value)
        if code == 0 or ignore:
            continue
        why = os.strerror(code)
        if code == 2:  # ENOENT: the key does not exist (yet); systemd warns and carries on
            host.log(ident, "Couldn't write '%s' to '%s', ignoring: %s" % (value, norm, why), unit)
        elif code in (1, 13, 30):  # EPERM, EACCES, EROFS: logged at debug level only
            continue
        else:
            host.log(ident, "Couldn't write '%s' to '%s': %s" % (value, norm, why), unit)
            ok = False
    return ok


def debian_kmod(host):
    """/etc/init.d/kmod: modules-load.d files, and /etc/modules unless a file there links to it."""
    loader = Loader(Kernel(host), modconf.load())
    k = loader.k
    files = conf_files(MODULES_LOAD_DIRS)
    if not any(os.path.islink(f) and os.path.realpath(f) == '/etc/modules' for f in files):
        files.append('/etc/modules')
    ok = True
    for path in files:
        for line in _lines(path):
            name, *params = line.split()
            kind, mods, _ = loader.resolve(name)
            if kind is None:
                why = 'modprobe: FATAL: Module %s not found in directory /lib/modules/%s' % (name, host.release)
                host.log('kmod', why)
                ok = False
                continue
            for m in mods if kind == 'modules' else []:
                if k.state(m) != 'live':
                    ok = _insert_logged(host, loader, m, params, 'kmod', '') and ok
    return ok


def procps_system(host, ident, quiet_errors=False):
    """`sysctl -q --system` (Debian's procps init script); stderr goes to the journal."""
    cli = Cli(host)
    cli.quiet = True
    with _capture() as buf:
        rc = cli.system()
        cli._flush()
    if not quiet_errors:
        for line in buf.getvalue().splitlines():
            host.log(ident, line)
    return rc == 0


def rhel6_modules(host, timeout=5.0):
    """rc.sysinit: run every executable /etc/sysconfig/modules/*.modules. A script that hangs
    (incident 3 on the legacy kernel) is killed after timeout seconds, and the boot goes on."""
    d = '/etc/sysconfig/modules'
    try:
        names = sorted(n for n in os.listdir(d) if n.endswith('.modules'))
    except OSError:
        return True
    ok = True
    for name in names:
        path = d + '/' + name
        if not os.access(path, os.X_OK):
            continue
        code, output = _run(path, timeout)
        for line in output.splitlines():
            host.log('rc.sysinit', line)
        if code is None:
            host.log('rc.sysinit', '%s: killed after %gs (hung)' % (path, timeout))
            ok = False
        elif code != 0:
            ok = False
    return ok


def rhel6_sysctl(host):
    """apply_sysctl: sysctl -e -p for /etc/sysctl.conf and each /etc/sysctl.d file, output discarded."""
    cli = Cli(host)
    cli.quiet = cli.ignore = True
    with _capture():
        for path in ['/etc/sysctl.conf'] + conf_files(('/etc/sysctl.d',)):
            if os.path.exists(path):
                cli.load_file(path)
        cli._flush()
    return True


class _capture:
    """Send sys.stdout/sys.stderr to one buffer (the tools print with sys.std*.write)."""

    def __enter__(self):
        self.saved = sys.stdout, sys.stderr
        self.buf = io.StringIO()
        sys.stdout = sys.stderr = self.buf
        return self.buf

    def __exit__(self, *exc):
        sys.stdout, sys.stderr = self.saved
        return False


def _run(path, timeout):
    """Run a boot script; (exit code or None when killed, combined output)."""
    import time

    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.dup2(w, 1)
        os.dup2(w, 2)
        devnull = os.open('/dev/null', os.O_RDONLY)
        os.dup2(devnull, 0)
        os.environ['NETFIX_SIM_LOCK_HELD'] = '1'  # the boot holds the simulator's lock
        try:
            os.execv(path, [path])
        finally:
            os._exit(127)
    os.close(w)
    os.set_blocking(r, False)
    chunks, deadline, code = [], time.monotonic() + timeout, None
    while True:
        try:
            data = os.read(r, 65536)
            if data:
                chunks.append(data)
        except BlockingIOError:
            pass
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            break
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            break
        time.sleep(0.02)
    try:
        while True:
            data = os.read(r, 65536)
            if not data:
                break
            chunks.append(data)
    except BlockingIOError:
        pass
    os.close(r)
    return code, b''.join(chunks).decode(errors='replace')


def _by_hand(step):
    """/lib/systemd/systemd-sysctl (or -modules-load) run from a shell: what its unit runs."""

    def main(host, argv):
        lock = host.lock()
        try:
            return 0 if step(host) else 1
        finally:
            host.unlock(lock)

    return main


systemd_sysctl_main = _by_hand(systemd_sysctl)
systemd_modules_load_main = _by_hand(systemd_modules_load)
