"""journalctl over the host's simulated journal (this boot only): -b, -t, -u, -o, -n, -q."""
import sys
import time

from .host import read_journal


def main(host, argv):
    idents, unit_names, fmt, lines, quiet = [], [], 'short', None, False
    it = iter(argv)
    for a in it:
        if a in ('-t', '--identifier'):
            idents.append(next(it, ''))
        elif a.startswith('--identifier='):
            idents.append(a.split('=', 1)[1])
        elif a in ('-u', '--unit'):
            unit_names.append(next(it, ''))
        elif a.startswith('--unit='):
            unit_names.append(a.split('=', 1)[1])
        elif a in ('-o', '--output'):
            fmt = next(it, 'short')
        elif a.startswith('--output='):
            fmt = a.split('=', 1)[1]
        elif a in ('-n', '--lines') or a.startswith('--lines='):
            value = a.split('=', 1)[1] if '=' in a else next(it, '10')
            if not value.isdigit():
                sys.stderr.write('Failed to parse lines \'%s\'.\n' % value)
                return 1
            lines = int(value)
        elif a in ('-q', '--quiet'):
            quiet = True
        elif a.startswith('-t') and len(a) > 2:
            idents.append(a[2:])
        elif a.startswith('-u') and len(a) > 2:
            unit_names.append(a[2:])
        # -b, --no-pager, -x, -e, -a and the like change nothing here: one boot, no pager
    units = [u if '.' in u else u + '.service' for u in unit_names]
    entries = [e for e in read_journal(host)
               if (not idents or e['ident'] in idents) and (not units or e['unit'] in units)]
    if lines is not None:
        entries = entries[-lines:] if lines else []
    if not entries:
        if not quiet:
            sys.stdout.write('-- No entries --\n')
        return 0
    out = []
    for e in entries:
        if fmt == 'cat':
            out.append(e['msg'] + '\n')
        else:
            stamp = time.strftime('%b %d %H:%M:%S', time.localtime(e['t']))
            tag = e['ident'] if e['pid'] == '0' else '%s[%s]' % (e['ident'], e['pid'])
            out.append('%s %s %s: %s\n' % (stamp, host.name, tag, e['msg']))
    sys.stdout.write(''.join(out))
    return 0
