"""modprobe's side of loading: find what a name means (libkmod's lookup), order the dependencies,
run install commands, and answer the kernel's own module requests.

Blacklist: applies to modules found through an alias (and to every name with -b), never to a
dependency. install: replaces the insertion of that module wherever it comes up, as a dependency
too. Both as kernel-facts.md measured on kmod 30.
"""
import os

from . import catalog
from .kernel import KmodError


class InstallFailed(Exception):
    def __init__(self, module, command, code):
        super().__init__(command)
        self.module, self.command, self.code = module, command, code


class Hang(Exception):
    """The load waits forever: on the legacy kernel, __request_module() for an alias whose only
    provider is blacklisted returns 0 with nothing loaded, and the caller retries (incident 3)."""


class Loader:
    def __init__(self, kernel, cfg):
        self.k = kernel
        self.cfg = cfg
        self.cat = kernel.cat

    def resolve(self, name):
        """kmod's lookup order: config aliases, module names, install commands, module aliases,
        builtins. Returns (kind, modules, via_alias) with kind 'modules' | 'install' | 'builtin' | None."""
        n = catalog.norm(name)
        targets = self.cfg.alias_targets(n)
        if targets:
            return 'modules', targets, True
        if n in self.cat:
            return 'modules', [n], False
        if n in self.cfg.install:
            return 'install', [n], False
        found = self.providers(n)
        if found:
            return 'modules', found, True
        for b, info in catalog.BUILTIN.items():
            if n == b or n in (catalog.norm(a) for a in info['aliases']):
                return 'builtin', [b], n != b
        return None, [], False

    def providers(self, alias):
        a = catalog.norm(alias)
        return [m.name for m in self.cat.values() if a in (catalog.norm(x) for x in m.aliases)]

    def probe_list(self, name, seen=None):
        """Dependencies depth first, then the module, each once (libkmod's probe list)."""
        seen = seen if seen is not None else []
        m = self.cat.get(name)
        if m is None or name in seen:
            return seen
        for dep in m.deps:
            self.probe_list(dep, seen)
        if name not in seen:
            seen.append(name)
        return seen

    def depends(self, name):
        """modinfo's depends: hard dependencies, plus on the legacy kernel the providers of the
        aliases the module requests (nf_conntrack_ipv4 for iptable_nat)."""
        m = self.cat[name]
        out = list(m.deps)
        for alias in m.requests:
            for p in self.providers(alias):
                if p not in out:
                    out.insert(0, p)
        return out

    def load(self, name, cmdline, ignore_install=False, report=None, dry_run=False, show_all=False):
        """Insert name and what it needs. report(line) receives kmod's -v/-n/--show-depends lines."""
        pre, post = self.cfg.softdeps.get(name, ([], []))
        for dep in pre:
            if dep in self.cat and not dry_run:
                self._quiet_load(dep)
        for m in self.probe_list(name):
            if self.k.state(m) == 'live' and not show_all:
                continue
            opts = self.cfg.options_for(m) + (list(cmdline) if m == name else [])
            cmd = None if ignore_install else self.cfg.install.get(m)
            if cmd is not None:
                if report:
                    report('install %s %s' % (cmd, ' '.join(opts)))
                if not dry_run:
                    code = run_command(cmd, m, opts)
                    if code != 0:
                        raise InstallFailed(m, cmd, code)
                continue
            if report:
                report('insmod %s %s' % (self.k.path(m), ' '.join(opts)))
            if not dry_run:
                self.k.insert(m, opts, self.request)
        for dep in post:
            if dep in self.cat and not dry_run:
                self._quiet_load(dep)

    def _quiet_load(self, name):
        try:
            self.load(name, [])
        except (KmodError, InstallFailed):
            pass

    def request(self, alias, holder):
        """__request_module(alias) from a module's init: `modprobe -q -- alias`, blacklist applies."""
        providers = self.cfg.alias_targets(alias) or self.providers(alias)
        live = [p for p in providers if self.k.state(p) == 'live']
        if not live:
            if not providers:
                raise KmodError('Protocol wrong type for socket')
            allowed = [p for p in providers if not self.cfg.is_blacklisted(p)]
            if not allowed:
                raise Hang(alias)
            try:
                for p in allowed:
                    self.load(p, [])
            except InstallFailed:
                raise KmodError('Protocol wrong type for socket') from None
            live = [p for p in allowed if self.k.state(p) == 'live']
        for p in live:
            self.k.hold(p, holder)


def run_command(cmd, module, opts):
    """An install/remove command from modprobe.d, run by /bin/sh like kmod does. /bin/false and
    /bin/true, the usual ones, are answered without a fork."""
    line = cmd.replace('$CMDLINE_OPTS', ' '.join(opts)).strip()
    if line in ('/bin/false', '/usr/bin/false', 'false'):
        return 1
    if line in ('/bin/true', '/usr/bin/true', 'true'):
        return 0
    env = dict(os.environ, MODPROBE_MODULE=module, NETFIX_SIM_LOCK_HELD='1')
    pid = os.fork()
    if pid == 0:
        try:
            os.execve('/bin/sh', ['/bin/sh', '-c', line], env)
        finally:
            os._exit(127)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)
