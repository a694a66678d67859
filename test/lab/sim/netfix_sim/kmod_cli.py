"""insmod, rmmod, lsmod, depmod and kmod, with kmod 30's messages and exit codes."""
import sys

from . import catalog
from .host import err
from .kernel import Kernel, KmodError


def _module_name(arg):
    base = arg.rsplit('/', 1)[-1]
    for suffix in ('.ko.xz', '.ko.zst', '.ko.gz', '.ko'):
        if base.endswith(suffix):
            return catalog.norm(base[: -len(suffix)])
    return catalog.norm(base)


def rmmod(host, argv):
    names = [a for a in argv if not a.startswith('-')]
    if not names:
        err('rmmod', 'ERROR: missing module name.')
        return 1
    k = Kernel(host)
    lock = host.lock()
    try:
        rc = 0
        for arg in names:
            name = _module_name(arg)
            try:
                k.remove(name)
            except KmodError as e:
                why = str(e)
                if why == 'not loaded':
                    err('rmmod', 'ERROR: Module %s is not currently loaded' % name)
                elif why == 'builtin':
                    err('rmmod', 'ERROR: Module %s is builtin.' % name)
                elif why == 'in use':
                    holders = k.holders(name)
                    by = ' by: ' + ' '.join(holders) if holders else ''
                    err('rmmod', 'ERROR: Module %s is in use%s' % (name, by))
                else:
                    err('rmmod', 'ERROR: could not remove module %s: %s' % (name, why))
                rc = 1
        return rc
    finally:
        host.unlock(lock)


def insmod(host, argv):
    args = [a for a in argv if not a.startswith('-')]
    if not args:
        err('insmod', 'ERROR: missing filename.')
        return 1
    from . import modconf
    from .modprobe_cli import wait_while_hanging
    from .probe import Hang, Loader

    path, params = args[0], args[1:]
    k = Kernel(host)
    name = _module_name(path)
    if name not in k.cat:
        err('insmod', 'ERROR: could not load module %s: No such file or directory' % path)
        return 1

    def attempt():
        try:
            # insmod reads no modprobe.d options or install commands; the kernel's own alias
            # requests (legacy) still go through modprobe, and its configuration
            k.insert(name, params, Loader(k, modconf.load()).request)
            return 0
        except KmodError as e:
            err('insmod', 'ERROR: could not insert module %s: %s' % (path, e))
            return 1

    lock = host.lock()
    try:
        return attempt()
    except Hang:
        host.unlock(lock)
        lock = None
        return wait_while_hanging(host, attempt)
    finally:
        host.unlock(lock)


def lsmod(host, argv):
    k = Kernel(host)
    out = ['Module                  Size  Used by\n']
    for name in k.loaded():
        m = k.cat.get(name)
        size = m.size if m else 16384
        line = '%-19s %8d  %d' % (name, size, k.refcnt(name))
        holders = k.holders(name)
        if holders:
            line += ' ' + ','.join(holders)
        out.append(line + '\n')
    sys.stdout.write(''.join(out))
    return 0


def kmod(host, argv):
    if argv[:1] == ['list']:
        return lsmod(host, argv[1:])
    if argv[:1] in (['--version'], ['-V']):
        sys.stdout.write('kmod version %s\n' % ('30' if host.kernel == 'modern' else '20'))
        return 0
    err('kmod', 'ERROR: command not supported by the netfix lab simulator: %s' % ' '.join(argv))
    return 1


def depmod(host, argv):
    return 0  # the catalog is the index
