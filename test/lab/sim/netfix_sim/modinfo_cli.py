"""modinfo, printing what kmod 30 prints for the catalog's modules."""
import sys

from . import catalog, modconf
from .host import err
from .kernel import Kernel
from .probe import Loader


def _fields(loader, name):
    """(field, value) pairs in kmod's order for one module or builtin."""
    k = loader.k
    host = k.host
    if name in catalog.BUILTIN:
        info = catalog.BUILTIN[name]
        out = [('name', name), ('filename', '(builtin)')]
        out += [('alias', a) for a in info['aliases']]
        return out + [('license', info['license']), ('file', info['file'])]
    m = k.cat[name]
    out = [('filename', k.path(name)), ('license', 'GPL')]
    if m.description:
        out.append(('description', m.description))
    if host.kernel == 'legacy':
        out.append(('rhelversion', '7.9'))
    out += [('alias', a) for a in m.aliases]
    out.append(('depends', ','.join(loader.depends(name))))
    out += [('retpoline', 'Y'), ('intree', 'Y'), ('name', name), ('vermagic', catalog.VERMAGIC[host.kernel])]
    for p in m.params.values():
        if p.doc is None:
            continue  # no MODULE_PARM_DESC and no parmtype: modinfo cannot see it
        out.append(('parm', '%s:%s (%s)' % (p.name, p.doc, p.kind) if p.doc else '%s:%s' % (p.name, p.kind)))
    return out


def main(host, argv):
    field, sep, names = None, '\n', []
    it = iter(argv)
    for a in it:
        if a in ('-F', '--field'):
            field = next(it, None)
        elif a.startswith('--field='):
            field = a.split('=', 1)[1]
        elif a.startswith('-F') and len(a) > 2:
            field = a[2:]
        elif a in ('-n', '--filename'):
            field = 'filename'
        elif a in ('-p', '--parameters'):
            field = 'parm'
        elif a in ('-d', '--description'):
            field = 'description'
        elif a in ('-l', '--license'):
            field = 'license'
        elif a in ('-a', '--author'):
            field = 'author'
        elif a in ('-0', '--null'):
            sep = '\0'
        elif a in ('-k', '-b', '--set-version', '--basedir'):
            next(it, None)
        elif a in ('-V', '--version'):
            sys.stdout.write('kmod version %s\n' % ('30' if host.kernel == 'modern' else '20'))
            return 0
        elif a.startswith('-') and a != '-':
            err('modinfo', "unrecognized option '%s'" % a)
            return 1
        else:
            names.append(a)
    if not names:
        err('modinfo', 'missing module or filename.')
        return 1
    loader = Loader(Kernel(host), modconf.Config())  # modinfo resolves from the indexes, not modprobe.d
    rc = 0
    out = []
    for name in names:
        base = name.rsplit('/', 1)[-1]
        for suffix in ('.ko.xz', '.ko.zst', '.ko'):
            if base.endswith(suffix):
                name = base[: -len(suffix)]
        kind, mods, _ = loader.resolve(name)
        if kind not in ('modules', 'builtin'):
            err('modinfo', 'ERROR: Module %s not found.' % name)
            rc = 1
            continue
        for m in mods:
            for f, v in _fields(loader, m):
                if field is None:
                    out.append('%-16s%s%s' % (f + ':', v, sep))
                elif f == field:
                    out.append(v + sep)
    sys.stdout.write(''.join(out))
    return rc
