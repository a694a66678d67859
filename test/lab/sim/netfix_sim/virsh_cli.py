"""virsh, for libvirt's networks only: net-info, net-list, net-start, net-destroy, net-autostart,
net-dumpxml, uri; -r/--readonly, -c/--connect qemu:///system, -q. Messages and exit codes are
virsh's (libvirt 9 on Debian 12, 4.5 on CentOS 7). Talks to no daemon: it reads and changes the
host's libvirt state (libvirt.py) as libvirtd would, and fails to connect while libvirtd is down.
"""
import os
import sys

from . import libvirt

URI = 'qemu:///system'


def _err(*lines):
    sys.stderr.write(''.join('error: %s\n' % line for line in lines))
    return 1


def _out(text, quiet):
    # virsh ends a command's output with an empty line unless -q
    sys.stdout.write(text if quiet else text + '\n')


def _parse(argv):
    opts = {'readonly': False, 'uri': None, 'quiet': False, 'version': False, 'help': False}
    it = iter(argv)
    for a in it:
        if a in ('-r', '--readonly'):
            opts['readonly'] = True
        elif a in ('-c', '--connect'):
            opts['uri'] = next(it, '')
        elif a.startswith('--connect='):
            opts['uri'] = a.split('=', 1)[1]
        elif a.startswith('-c') and len(a) > 2:
            opts['uri'] = a[2:]
        elif a in ('-q', '--quiet'):
            opts['quiet'] = True
        elif a in ('-v', '--version', '-V'):
            opts['version'] = True
        elif a in ('-h', '--help'):
            opts['help'] = True
        elif a.startswith('-') and len(a) > 1 and not a.startswith('--'):
            # combined short flags such as -rq
            for ch in a[1:]:
                if ch == 'r':
                    opts['readonly'] = True
                elif ch == 'q':
                    opts['quiet'] = True
                else:
                    raise ValueError("virsh: invalid option -- '%s'" % ch)
        else:
            return opts, [a] + list(it)
    return opts, []


def main(host, argv):
    try:
        opts, rest = _parse(argv)
    except ValueError as e:
        sys.stderr.write('%s\n' % e)
        return 1
    version = libvirt.VERSION.get(host.distro, libvirt.VERSION['debian12'])[0]
    if opts['version']:
        sys.stdout.write(version + '\n')
        return 0
    if opts['help'] or not rest:
        sys.stdout.write('virsh [options]... [<command_string>]\n\n  (netfix lab: net-info, net-list, net-start, '
                         'net-destroy, net-autostart, net-dumpxml, uri)\n')
        return 0
    uri = opts['uri'] or os.environ.get('LIBVIRT_DEFAULT_URI') or URI
    if uri != URI:
        return _err('failed to connect to the hypervisor', 'no connection driver available for %s' % uri)
    if not libvirt.running(host):
        sock = '/var/run/libvirt/libvirt-sock' + ('-ro' if opts['readonly'] else '')
        return _err('failed to connect to the hypervisor',
                    "Failed to connect socket to '%s': No such file or directory" % sock)
    cmd, args = rest[0], rest[1:]
    handler = COMMANDS.get(cmd)
    if handler is None:
        return _err("unknown command: '%s'" % cmd)
    flags = {a for a in args if a.startswith('--')}  # --network NAME works too: NAME is the word left
    words = [a for a in args if not a.startswith('--')]
    return handler(host, words, flags, opts)


def _network_arg(words, what):
    if not words:
        raise LookupError("command '%s' requires <network> option" % what)
    return words[0]


def _lookup(host, name):
    """The network as libvirtd knows it: running (status) or defined."""
    return libvirt.status(host, name) or libvirt.definition(host, name)


def _not_found(name, failed):
    return _err(failed, "Network not found: no network with matching name '%s'" % name)


def net_info(host, words, flags, opts):
    try:
        name = _network_arg(words, 'net-info')
    except LookupError as e:
        return _err(str(e))
    net = _lookup(host, name)
    if net is None:
        return _not_found(name, "failed to get network '%s'" % name)
    yes = lambda b: 'yes' if b else 'no'  # noqa: E731
    rows = [('Name:', net.name), ('UUID:', net.uuid), ('Active:', yes(libvirt.status(host, name) is not None)),
            ('Persistent:', yes(libvirt.definition(host, name) is not None)),
            ('Autostart:', yes(libvirt.autostart(host, name))), ('Bridge:', net.bridge)]
    _out(''.join('%-15s %s\n' % row for row in rows), opts['quiet'])
    return 0


def net_list(host, words, flags, opts):
    rows = []
    for name in sorted(set(libvirt.names(host)) | set(libvirt._status_names(host))):
        active = libvirt.status(host, name) is not None
        if ('--all' in flags) or (active and '--inactive' not in flags) or (not active and '--inactive' in flags):
            rows.append((name, 'active' if active else 'inactive', 'yes' if libvirt.autostart(host, name) else 'no',
                         'yes' if libvirt.definition(host, name) else 'no'))
    if '--name' in flags:
        _out(''.join(r[0] + '\n' for r in rows), opts['quiet'])
        return 0
    header = ('Name', 'State', 'Autostart', 'Persistent')
    if host.kernel == 'legacy':  # libvirt 4.5's printf table
        lines = [' %-20s %-10s %-13s %s' % header, '-' * 58] + [' %-20s %-10s %-13s %s' % r for r in rows]
    else:  # libvirt 9's vshTable: columns padded to the widest cell plus three
        widths = [max(len(x) for x in col) for col in zip(header, *rows)]

        def line(cells):
            return ' ' + ''.join(c.ljust(w + 3) for c, w in zip(cells[:-1], widths[:-1])) + cells[-1]

        top = line(header)
        lines = [top, '-' * (len(top) + 2)] + [line(r) for r in rows]
    if opts['quiet']:
        lines = lines[2:]
    _out(''.join(x + '\n' for x in lines), opts['quiet'])
    return 0


def _writable(opts, failed, api):
    if opts['readonly']:
        return _err(failed, 'operation forbidden: read only access prevents %s' % api)
    return 0


def net_start(host, words, flags, opts):
    try:
        name = _network_arg(words, 'net-start')
    except LookupError as e:
        return _err(str(e))
    failed = 'Failed to start network %s' % name
    if libvirt.definition(host, name) is None and libvirt.status(host, name) is None:
        return _not_found(name, "failed to get network '%s'" % name)
    if _writable(opts, failed, 'virNetworkCreate'):
        return 1
    lock = host.lock()
    try:
        if libvirt.status(host, name) is not None:
            return _err(failed, 'Requested operation is not valid: network is already active')
        result, detail = libvirt.start_network(host, libvirt.definition(host, name))
    finally:
        host.unlock(lock)
    if result == 'hung':
        # libvirtd answers once its iptables call returns: virsh waits as long (a timeout(1)
        # around it ends virsh, not the blocked child)
        try:
            os.waitpid(detail, 0)
        except ChildProcessError:
            pass
        if libvirt.status(host, name) is None:
            return _err(failed, 'internal error: Failed to apply firewall rules (the iptables child was ended)')
    elif result == 'failed':
        return _err(failed, detail)
    _out('Network %s started\n' % name, opts['quiet'])
    return 0


def net_destroy(host, words, flags, opts):
    try:
        name = _network_arg(words, 'net-destroy')
    except LookupError as e:
        return _err(str(e))
    failed = 'Failed to destroy network %s' % name
    if _lookup(host, name) is None:
        return _not_found(name, "failed to get network '%s'" % name)
    if _writable(opts, failed, 'virNetworkDestroy'):
        return 1
    lock = host.lock()
    try:
        if libvirt.status(host, name) is None:
            return _err(failed, 'Requested operation is not valid: network is not active')
        libvirt.stop_network(host, name)
    finally:
        host.unlock(lock)
    _out('Network %s destroyed\n' % name, opts['quiet'])
    return 0


def net_autostart(host, words, flags, opts):
    try:
        name = _network_arg(words, 'net-autostart')
    except LookupError as e:
        return _err(str(e))
    off = '--disable' in flags
    failed = 'failed to %s network %s' % ('unmark' if off else 'mark', name) + ' as autostarted'
    if _lookup(host, name) is None:
        return _not_found(name, "failed to get network '%s'" % name)
    if _writable(opts, failed, 'virNetworkSetAutostart'):
        return 1
    if libvirt.definition(host, name) is None:
        return _err(failed, 'Requested operation is not valid: cannot set autostart for transient network')
    libvirt.set_autostart(host, name, not off)
    _out('Network %s %s as autostarted\n' % (name, 'unmarked' if off else 'marked'), opts['quiet'])
    return 0


def net_dumpxml(host, words, flags, opts):
    try:
        name = _network_arg(words, 'net-dumpxml')
    except LookupError as e:
        return _err(str(e))
    net = _lookup(host, name)
    if net is None:
        return _not_found(name, "failed to get network '%s'" % name)
    body = net.xml.split('-->', 1)[-1].strip('\n') if '-->' in net.xml else net.xml.strip('\n')
    if '<networkstatus>' in body:
        body = body[body.index('<network>'):body.index('</network>') + len('</network>')]
    connections = " connections='0'" if libvirt.status(host, name) is not None and host.kernel != 'legacy' else ''
    body = body.replace('<network>', '<network%s>' % connections, 1)
    _out(body + '\n', True)
    return 0


def uri(host, words, flags, opts):
    _out(URI + '\n', opts['quiet'])
    return 0


COMMANDS = {
    'net-info': net_info,
    'net-list': net_list,
    'net-start': net_start,
    'net-destroy': net_destroy,
    'net-autostart': net_autostart,
    'net-dumpxml': net_dumpxml,
    'uri': uri,
}
