"""uname, reporting the simulated kernel's release and version (the rest is the real machine's;
the node name is the lab host's own, from its UTS namespace)."""
import os
import sys

from . import catalog

_ORDER = 'snrvmpio'


def main(host, argv):
    u = os.uname()
    values = {'s': u.sysname, 'n': u.nodename, 'r': catalog.RELEASE[host.kernel], 'v': catalog.VERSION[host.kernel],
              'm': u.machine, 'p': 'unknown', 'i': 'unknown', 'o': 'GNU/Linux'}
    longs = {'--kernel-name': 's', '--nodename': 'n', '--kernel-release': 'r', '--kernel-version': 'v',
             '--machine': 'm', '--processor': 'p', '--hardware-platform': 'i', '--operating-system': 'o'}
    wanted = set()
    for a in argv:
        if a in ('-a', '--all'):
            wanted |= set('snrvmo')
        elif a in longs:
            wanted.add(longs[a])
        elif a.startswith('-') and all(c in _ORDER for c in a[1:]):
            wanted |= set(a[1:])
        else:
            sys.stderr.write("uname: extra operand '%s'\n" % a)
            return 1
    wanted = wanted or {'s'}
    sys.stdout.write(' '.join(values[c] for c in _ORDER if c in wanted) + '\n')
    return 0
