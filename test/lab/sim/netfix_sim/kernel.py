"""The simulated kernel's module state, kept only in /sys/module (kmod reads the same place, since
this machine has no /proc/modules): a loaded module is /sys/module/<m>/initstate = live; a
builtin is /sys/module/<m> without initstate; holders/ and refcnt say who uses a module.

This is the kernel's side (init_module, delete_module, sysfs); which modules to insert, and in
what order, is modprobe's business (probe.py).
"""
import os

from . import catalog, mounts, nettree
from .host import rmtree, write_file

CONNTRACK_DEFAULT_HASHSIZE = {'modern': 262144, 'legacy': 16384}


class KmodError(Exception):
    """The kernel refused an insertion or removal; message is strerror-like."""


class Kernel:
    def __init__(self, host):
        self.host = host
        self.cat = host.catalog
        self.sysmod = host.roots.sysmod
        self.net = host.roots.net

    # ---- reading state -------------------------------------------------------------------
    def state(self, name):
        d = self.sysmod + '/' + name
        try:
            with open(d + '/initstate') as f:
                return f.read().strip()
        except FileNotFoundError:
            return 'builtin' if os.path.isdir(d) else None

    def holders(self, name):
        try:
            return sorted(os.listdir(self.sysmod + '/' + name + '/holders'))
        except FileNotFoundError:
            return []

    def refcnt(self, name):
        try:
            with open(self.sysmod + '/' + name + '/refcnt') as f:
                return int(f.read().strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def loaded(self):
        """Loaded modules, most recently loaded first, like /proc/modules."""
        try:
            names = [n for n in os.listdir(self.sysmod) if os.path.exists(self.sysmod + '/' + n + '/initstate')]
        except FileNotFoundError:
            return []
        order = self._load_order()
        rank = {n: i for i, n in enumerate(order)}
        return sorted(names, key=lambda n: -rank.get(n, -1))

    def _load_order(self):
        try:
            with open(self.host.state_path('load-order')) as f:
                return f.read().split()
        except FileNotFoundError:
            return []

    def _set_load_order(self, names):
        write_file(self.host.state_path('load-order'), ''.join(n + '\n' for n in names))

    def path(self, name):
        m = self.cat[name]
        return '/lib/modules/%s/kernel/%s%s' % (self.host.release, m.path, catalog.SUFFIX[self.host.kernel])

    def insert(self, name, opts, request=None):
        """init_module(): the dependencies must already be live. A module whose init requests an
        alias (legacy) stays 'coming' until request(alias, holder) succeeds; a retry finishes it."""
        m = self.cat[name]
        st = self.state(name)
        if st == 'live':
            raise KmodError('File exists')
        missing = [d for d in m.deps if self.state(d) not in ('live', 'builtin')]
        if missing:
            raise KmodError('Unknown symbol in module')
        d = self.sysmod + '/' + name
        if st != 'coming':
            values = self._param_values(m, opts)
            self._create(m, d, values)
        for alias in m.requests:
            request(alias, name)
        write_file(d + '/initstate', 'live\n')

    def _param_values(self, m, opts):
        values = {}
        for tok in opts:
            k, sep, v = tok.partition('=')
            p = m.params.get(catalog.norm(k))
            if p is None:
                continue  # the kernel ignores an unknown parameter (with a dmesg warning)
            values[p.name] = _validate(p, v if sep else None)
        for p in m.params.values():
            if p.name not in values and p.default is not None:
                values[p.name] = p.default
        if m.tree == 'conntrack':
            values.update(self._conntrack_sizes(values))
        return values

    def _conntrack_sizes(self, values):
        profile = self.host.kernel
        given = int(values.get('hashsize') or 0)
        hashsize = given or CONNTRACK_DEFAULT_HASHSIZE[profile]
        hashsize = -(-hashsize // 512) * 512  # the table is allocated in whole pages
        factor = 8 if given else (1 if profile == 'modern' else 4)
        expect = values.get('expect_hashsize') or str(max(1, hashsize // 256))
        return {'hashsize': str(hashsize), 'expect_hashsize': expect, '_max': str(hashsize * factor)}

    def _create(self, m, d, values):
        os.makedirs(d + '/holders', exist_ok=True)
        write_file(d + '/initstate', 'coming\n')
        write_file(d + '/refcnt', '0\n')
        write_file(d + '/coresize', '%d\n' % m.size)
        write_file(d + '/taint', '\n')
        write_file(d + '/uevent', '')
        readonly = []
        visible = [p for p in m.params.values() if p.mode]
        if visible:
            os.makedirs(d + '/parameters', exist_ok=True)
            for p in visible:
                path = d + '/parameters/' + p.name
                write_file(path, values.get(p.name, '') + '\n', p.mode)
                if not p.mode & 0o222:
                    readonly.append(path)
        for dep in m.deps:
            self.hold(dep, m.name)
        if m.tree == 'bridge':
            nettree.add_bridge(self.net)
        elif m.tree == 'conntrack':
            readonly += nettree.add_conntrack(
                self.net, self.host.kernel, values['hashsize'], values['_max'],
                values['expect_hashsize'], values.get('acct', 'N'), values.get('tstamp', 'N'))
        if self.host.roots.inside:
            for path in readonly:
                mounts.bind_readonly_in_place(path)
        self._set_load_order([n for n in self._load_order() if n != m.name] + [m.name])

    def hold(self, dep, holder):
        """holder uses dep: dep's holders/ links to it and its refcnt counts it."""
        hd = self.sysmod + '/' + dep + '/holders'
        if not os.path.isdir(hd):
            return  # builtin dependencies have no holders directory
        link = hd + '/' + holder
        if not os.path.lexists(link):
            os.symlink('../../' + holder, link)
        self._recount(dep)

    def _recount(self, name):
        write_file(self.sysmod + '/' + name + '/refcnt', '%d\n' % len(self.holders(name)))

    # ---- unloading -----------------------------------------------------------------------
    def remove(self, name):
        st = self.state(name)
        if st is None:
            raise KmodError('not loaded')
        if st == 'builtin':
            raise KmodError('builtin')
        if st != 'live':
            raise KmodError('Device or resource busy')
        if self.holders(name) or self.refcnt(name) > 0:
            raise KmodError('in use')
        m = self.cat.get(name)
        if m is not None and m.tree == 'bridge':
            nettree.remove_bridge(self.net)
        elif m is not None and m.tree == 'conntrack':
            if self.host.roots.inside:
                mounts.umount(self.net + '/netfilter/nf_conntrack_count')
            nettree.remove_conntrack(self.net)
        for other in os.listdir(self.sysmod):
            link = self.sysmod + '/' + other + '/holders/' + name
            if os.path.lexists(link):
                os.unlink(link)
                self._recount(other)
        d = self.sysmod + '/' + name
        if self.host.roots.inside and os.path.isdir(d + '/parameters'):
            for p in os.listdir(d + '/parameters'):
                mounts.umount(d + '/parameters/' + p)
        rmtree(d)
        self._set_load_order([n for n in self._load_order() if n != name])

    def reset(self):
        """Power cycle: every loaded module gone, builtins back, /proc/sys/net at boot values."""
        if os.path.isdir(self.sysmod):
            for name in os.listdir(self.sysmod):
                d = self.sysmod + '/' + name
                if self.host.roots.inside and os.path.isdir(d + '/parameters'):
                    for p in os.listdir(d + '/parameters'):
                        mounts.umount(d + '/parameters/' + p)
                rmtree(d)
        else:
            os.makedirs(self.sysmod)
        for name in catalog.BUILTIN:
            os.makedirs(self.sysmod + '/' + name)
            write_file(self.sysmod + '/' + name + '/uevent', '')
        if self.host.roots.inside:
            mounts.umount(self.net + '/netfilter/nf_conntrack_count')
        nettree.reset(self.net, self.host.kernel)
        self._set_load_order([])


def _validate(p, value):
    """Parse a parameter value the way the kernel's param_set_* do; bad values fail the load."""
    if p.kind == 'bool':
        v = 'Y' if value is None else value
        if v in ('Y', 'y', '1'):
            return 'Y'
        if v in ('N', 'n', '0'):
            return 'N'
        raise KmodError('Invalid argument')
    if value is None or value == '':
        raise KmodError('Invalid argument')
    try:
        n = int(value, 0)
    except ValueError:
        raise KmodError('Invalid argument') from None
    if p.kind == 'uint' and n < 0:
        raise KmodError('Invalid argument')
    return str(n)
