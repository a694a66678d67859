"""systemctl (and `service` on systemd hosts): just enough of it for the lab's units."""
import os
import sys
import time

from . import units


def _since(epoch):
    t = time.gmtime(epoch)
    ago = max(0, int(time.time() - epoch))
    ago_text = '%dmin' % (ago // 60) if ago >= 60 else '%ds' % ago
    return '%s UTC; %s ago' % (time.strftime('%a %Y-%m-%d %H:%M:%S', t), ago_text)


def _status(host, unit):
    desc, _, oneshot = units.UNITS[unit]
    st, since = units.state(host, unit)
    en = units.enabled(host, unit)
    sub = {'active': 'exited' if oneshot else 'running', 'failed': 'failed', 'inactive': 'dead'}[st]
    dot = {'active': '●', 'failed': '×', 'inactive': '○'}[st]
    lines = ['%s %s - %s' % (dot, unit, desc),
             '     Loaded: loaded (%s; %s; preset: enabled)' % (units.unit_file(host, unit), en),
             '     Active: %s (%s)%s' % (st, sub, ' since ' + _since(since) if st != 'inactive' else '')]
    sys.stdout.write('\n'.join(lines) + '\n')
    return 0 if st == 'active' else 3


def _enable(host, unit, on, quiet):
    if units.UNITS[unit][1] == 'static':
        if not quiet:
            sys.stderr.write('The unit files have no installation config (WantedBy=, RequiredBy=, Also=,\n'
                             'Alias= settings in the [Install] section, and DefaultInstance= for template\n'
                             'units). This means they are not meant to be enabled or disabled using systemctl.\n')
        return 0
    link = units.WANTS + unit
    if on and not os.path.lexists(link):
        os.makedirs(units.WANTS, exist_ok=True)
        os.symlink(units.unit_file(host, unit), link)
        if not quiet:
            sys.stderr.write('Created symlink %s → %s.\n' % (link, units.unit_file(host, unit)))
    elif not on and os.path.lexists(link):
        os.unlink(link)
        if not quiet:
            sys.stderr.write('Removed "%s".\n' % link)
    return 0


def main(host, argv):
    flags = {a for a in argv if a.startswith('-')}
    args = [a for a in argv if not a.startswith('-')]
    props = []
    for i, a in enumerate(argv):
        if a in ('-p', '--property') and i + 1 < len(argv):
            props += argv[i + 1].split(',')
            args.remove(argv[i + 1])
        elif a.startswith('--property='):
            props += a.split('=', 1)[1].split(',')
    quiet = bool(flags & {'-q', '--quiet'})
    if '--failed' in flags or args[:1] == ['--failed']:
        args = ['list-units-failed']
    if not args:
        args = ['list-units']
    verb, names = args[0], [units.unit_name(n) for n in args[1:]]
    if verb in ('reboot', 'poweroff', 'halt'):
        from . import boot

        return boot.command(host, [verb])
    if verb == 'daemon-reload':
        return 0
    if verb == 'is-system-running':
        st = 'degraded' if units.failed_units(host) else 'running'
        if not quiet:
            sys.stdout.write(st + '\n')
        return 0 if st == 'running' else 1
    if verb in ('list-units', 'list-units-failed'):
        shown = units.failed_units(host) if verb == 'list-units-failed' else list(units.UNITS)
        for u in shown:
            st = units.state(host, u)[0]
            sys.stdout.write('  %-30s loaded %-8s %s\n' % (u, st, units.UNITS[u][0]))
        return 0
    unknown = [n for n in names if n not in units.UNITS]
    if verb in ('is-active', 'is-failed'):
        rc = 1 if verb == 'is-failed' else 3
        for n in names:
            st = units.state(host, n)[0] if n in units.UNITS else 'inactive'
            if not quiet:
                sys.stdout.write(st + '\n')
            if (verb == 'is-active' and st == 'active') or (verb == 'is-failed' and st == 'failed'):
                rc = 0
        return rc
    if unknown:
        u = unknown[0]
        if verb == 'status':
            sys.stderr.write('Unit %s could not be found.\n' % u)
            return 4
        if verb == 'is-enabled':
            sys.stderr.write('Failed to get unit file state for %s: No such file or directory\n' % u)
            return 1
        sys.stderr.write('Failed to %s %s: Unit %s not found.\n' % (verb.split('-')[0], u, u))
        return 5
    if not names:
        sys.stderr.write('Too few arguments.\n')
        return 1
    lock = host.lock()
    try:
        return _run(host, verb, names, flags, props, quiet)
    finally:
        host.unlock(lock)


def _run(host, verb, names, flags, props, quiet):
    rc = 0
    for n in names:
        if verb == 'status':
            rc = _status(host, n) or rc
        elif verb == 'is-enabled':
            en = units.enabled(host, n)
            if not quiet:
                sys.stdout.write(en + '\n')
            rc = rc or (0 if en in ('enabled', 'static') else 1)
        elif verb in ('start', 'restart', 'reload-or-restart', 'try-restart', 'reload'):
            if verb == 'try-restart' and units.state(host, n)[0] != 'active':
                continue
            if verb == 'start' and units.state(host, n)[0] == 'active':
                continue
            if verb != 'start':
                units.stop(host, n)
            if not units.start(host, n):
                sys.stderr.write('Job for %s failed because the control process exited with error code.\n'
                                 'See "systemctl status %s" and "journalctl -xeu %s" for details.\n' % (n, n, n))
                rc = 1
        elif verb == 'stop':
            units.stop(host, n)
        elif verb in ('enable', 'disable'):
            _enable(host, n, verb == 'enable', quiet)
            if '--now' in flags:
                (units.start if verb == 'enable' else units.stop)(host, n)
        elif verb == 'show':
            st, since = units.state(host, n)
            values = {'ActiveState': st, 'SubState': 'running' if st == 'active' else 'dead',
                      'UnitFileState': units.enabled(host, n), 'Result': 'exit-code' if st == 'failed' else 'success',
                      'Id': n, 'Description': units.UNITS[n][0]}
            for p in props or list(values):
                v = values.get(p, '')
                sys.stdout.write(v + '\n' if '--value' in flags else '%s=%s\n' % (p, v))
        else:
            sys.stderr.write('Unknown command verb %s.\n' % verb)
            return 1
    return rc
