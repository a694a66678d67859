"""sysctl (procps-ng): 4.0.2 on the modern profile (Debian 12), 3.3.10 on the legacy one (RHEL 7),
which differ here only in the exit code of a failure (1 and 255)."""
import errno
import os
import sys

from .host import err
from .sysctl_store import ETC_CONF, PROC, Sysctl, key_path, parse_conf, system_files


class Cli:
    def __init__(self, host):
        self.host = host
        self.s = Sysctl(host)
        self.fail_code = 1 if host.kernel == 'modern' else 255
        self.quiet = self.names_only = self.values_only = self.ignore = False
        self.pattern = None
        self.out = []

    def _show(self, key, value):
        if self.pattern is not None and not self.pattern.search(key):
            return
        if self.names_only:
            self.out.append(key + '\n')
        elif self.values_only:
            self.out.append(value if value.endswith('\n') else value + '\n')
        else:
            self.out.append('%s = %s' % (key, value if value.endswith('\n') else value + '\n'))

    def read_key(self, key):
        path, shown = key_path(key)
        if not os.path.exists(path):
            if self.ignore:
                return 0
            self._flush()
            err('sysctl', 'cannot stat %s: No such file or directory' % path)
            return self.fail_code
        if os.path.isdir(path):
            return self.read_all(path)
        try:
            self._show(shown, self.s.read(path))
        except OSError as e:
            self._flush()
            err('sysctl', 'permission denied on key \'%s\'' % shown if e.errno == errno.EACCES else
                'reading key "%s"' % shown)
            return self.fail_code
        return 0

    def write_key(self, key, value, ignore_failure=False):
        path, shown = key_path(key)
        code = self.s.write(path, value)
        if code == 0:
            if not self.quiet:
                self._show(shown, value)
            return 0
        if ignore_failure or (self.ignore and code == errno.ENOENT):
            return 0
        self._flush()
        if code == errno.ENOENT:
            err('sysctl', 'cannot stat %s: No such file or directory' % path)
        elif code == errno.EACCES:
            err('sysctl', 'permission denied on key \'%s\'' % shown)
        else:
            err('sysctl', 'setting key "%s": %s' % (shown, os.strerror(code)))
        return self.fail_code

    def read_all(self, top=PROC):
        entries = []
        for d, dirs, files in os.walk(top, followlinks=False):
            dirs.sort()
            for f in files:
                entries.append(os.path.join(d, f))
        for path in sorted(entries):
            shown = path[len(PROC):].replace('/', '.')
            try:
                if not os.stat(path).st_mode & 0o444:
                    continue
                self._show(shown, self.s.read(path))
            except OSError:
                continue
        return 0

    def load_file(self, path):
        try:
            lines = parse_conf(path)
        except OSError as e:
            self._flush()
            err('sysctl', 'cannot open "%s": %s' % (path, os.strerror(e.errno)))
            return self.fail_code
        rc = 0
        for n, key, value, ignore in lines:
            if key is None:
                self._flush()
                err('sysctl', '%s(%d): invalid syntax, continuing...' % (path, n))
                continue
            rc = self.write_key(key, value, ignore) or rc
        return rc

    def system(self):
        rc = 0
        for path in system_files(self.host):
            if not self.quiet:
                self.out.append('* Applying %s ...\n' % path)
            rc = self.load_file(path) or rc
        if not self.quiet:
            self.out.append('* Applying %s ...\n' % ETC_CONF)
        return self.load_file(ETC_CONF) or rc

    def _flush(self):
        sys.stdout.write(''.join(self.out))
        sys.stdout.flush()
        self.out = []


def main(host, argv):
    cli = Cli(host)
    write = load = system = show_all = False
    files, args = [], []
    it = iter(argv)
    for a in it:
        if a == '--system':
            system = True
        elif a.startswith('--load') or a.startswith('-p') or a == '-f':
            load = True
            if a.startswith('--load='):
                files.append(a.split('=', 1)[1])
            elif a.startswith('-p') and len(a) > 2:
                files.append(a[2:])
        elif a in ('-a', '-A', '-X', '--all'):
            show_all = True
        elif a in ('-w', '--write'):
            write = True
        elif a in ('-q', '--quiet'):
            cli.quiet = True
        elif a in ('-n', '--values'):
            cli.values_only = True
        elif a in ('-N', '--names'):
            cli.names_only = True
        elif a in ('-e', '--ignore'):
            cli.ignore = True
        elif a in ('-b', '--binary', '-o', '-x'):
            pass
        elif a in ('-r', '--pattern'):
            import re

            cli.pattern = re.compile(next(it, ''))
        elif a in ('-V', '--version'):
            sys.stdout.write('sysctl from procps-ng %s\n' % ('4.0.2' if host.kernel == 'modern' else '3.3.10'))
            return 0
        elif a.startswith('-') and len(a) > 1 and not args:
            # clustered short flags such as -qw or -ep
            flags = a[1:]
            if all(c in 'qwneNab' for c in flags):
                cli.quiet |= 'q' in flags
                write |= 'w' in flags
                cli.values_only |= 'n' in flags
                cli.ignore |= 'e' in flags
                cli.names_only |= 'N' in flags
                show_all |= 'a' in flags
            else:
                err('sysctl', "invalid option -- '%s'" % flags[0])
                return 1
        else:
            args.append(a)
    rc = 0
    try:
        if system:
            rc = cli.system()
        elif load:
            for path in files + args or [ETC_CONF]:
                rc = cli.load_file(path) or rc
        elif show_all:
            rc = cli.read_all()
        elif not args:
            err('sysctl', 'no variables specified')
            return 1
        else:
            for a in args:
                if write or '=' in a:
                    key, sep, value = a.partition('=')
                    if not sep:
                        err('sysctl', '"%s" must be of the form name=value' % a)
                        rc = cli.fail_code
                        continue
                    if not key.strip() or not value.strip():
                        err('sysctl', 'Malformed setting "%s"' % a)
                        rc = cli.fail_code
                        continue
                    rc = cli.write_key(key, value.strip()) or rc
                else:
                    rc = cli.read_key(a) or rc
    finally:
        cli._flush()
    return rc
