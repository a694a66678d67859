"""modprobe.d configuration, read the way kmod 30 reads it.

Files named *.conf from /etc/modprobe.d, /run/modprobe.d, /usr/local/lib/modprobe.d,
/lib/modprobe.d and /usr/lib/modprobe.d; a file name found in an earlier directory hides the same
name in later ones; the survivors are read in file-name order. Commands: alias, options, install,
remove, blacklist, softdep (anything else is ignored, as kmod does after a warning).
"""
from .catalog import norm
from .host import conf_files

DIRS = ('/etc/modprobe.d', '/run/modprobe.d', '/usr/local/lib/modprobe.d', '/lib/modprobe.d', '/usr/lib/modprobe.d')


class Config:
    def __init__(self):
        self.aliases = []  # (pattern, module), in file order
        self.options = {}  # module -> [option tokens], in file order
        self.install = {}  # module -> command
        self.remove = {}  # module -> command
        self.blacklist = []  # module names, in file order
        self.softdeps = {}  # module -> (pre, post)
        self.files = []

    def is_blacklisted(self, name):
        return norm(name) in self._blacklist_set()

    def _blacklist_set(self):
        if not hasattr(self, '_bl'):
            self._bl = {norm(n) for n in self.blacklist}
        return self._bl

    def options_for(self, name):
        return list(self.options.get(norm(name), ()))

    def alias_targets(self, name):
        n = norm(name)
        out = []
        for pattern, module in self.aliases:
            if _match(pattern, n) and module not in out:
                out.append(module)
        return out


def _match(pattern, name):
    if not any(c in pattern for c in '*?['):
        return pattern == name
    import fnmatch

    return fnmatch.fnmatchcase(name, pattern)


def _logical_lines(text):
    pending = ''
    for raw in text.split('\n'):
        line = raw.rstrip()
        if line.endswith('\\'):
            pending += line[:-1] + ' '
            continue
        yield pending + line
        pending = ''
    if pending:
        yield pending


def load():
    cfg = Config()
    for path in conf_files(DIRS):
        try:
            with open(path) as f:
                text = f.read()
        except OSError:
            continue
        cfg.files.append(path)
        for line in _logical_lines(text):
            words = line.split()
            if not words or words[0].startswith('#'):
                continue
            cmd, args = words[0], words[1:]
            if cmd == 'alias' and len(args) >= 2:
                cfg.aliases.append((norm(args[0]), norm(args[1])))
            elif cmd == 'options' and len(args) >= 1:
                cfg.options.setdefault(norm(args[0]), []).extend(args[1:])
            elif cmd == 'install' and len(args) >= 2:
                cfg.install[norm(args[0])] = ' '.join(line.split(None, 2)[2:])
            elif cmd == 'remove' and len(args) >= 2:
                cfg.remove[norm(args[0])] = ' '.join(line.split(None, 2)[2:])
            elif cmd == 'blacklist' and len(args) >= 1:
                cfg.blacklist.append(norm(args[0]))
            elif cmd == 'softdep' and len(args) >= 2:
                pre, post, where = [], [], None
                for w in args[1:]:
                    if w == 'pre:':
                        where = pre
                    elif w == 'post:':
                        where = post
                    elif where is not None:
                        where.append(norm(w))
                cfg.softdeps[norm(args[0])] = (pre, post)
    return cfg


def show(cfg, catalog, builtin):
    """`modprobe -c`: configuration first, then the indexes, in kmod's order."""
    out = []
    for name in cfg.blacklist:
        out.append('blacklist %s' % name)
    for name, cmd in cfg.install.items():
        out.append('install %s %s' % (name, cmd))
    for name, cmd in cfg.remove.items():
        out.append('remove %s %s' % (name, cmd))
    for pattern, module in cfg.aliases:
        out.append('alias %s %s' % (pattern, module))
    for name, opts in cfg.options.items():
        out.append('options %s %s' % (name, ' '.join(opts)))
    for name, (pre, post) in cfg.softdeps.items():
        parts = ['softdep', name]
        if pre:
            parts += ['pre:'] + pre
        if post:
            parts += ['post:'] + post
        out.append(' '.join(parts))
    out.append('')
    out.append('# End of configuration files. Dumping indexes now:')
    out.append('')
    for m in catalog.values():
        for a in m.aliases:
            out.append('alias %s %s' % (a, m.name))
    for name, info in builtin.items():
        for a in info['aliases']:
            out.append('alias %s %s' % (a, name))
    return '\n'.join(out) + '\n'
