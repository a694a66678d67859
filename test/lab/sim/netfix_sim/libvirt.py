"""libvirtd and its `default` network, as incident 3 needs them (shared/incidents.md, kernel-facts.md).

State, all in the host's trees (nothing cached between tool calls):
- definition: /etc/libvirt/qemu/networks/<name>.xml; autostart: a link in .../networks/autostart/
- running: /run/libvirt/network/<name>.xml (libvirt's status file) while the network is active
- its bridge: /sys/class/net/<bridge>/{flags,operstate,address,...} in the host's own tree
- the daemon: units/libvirtd.service (active/inactive, like every unit), libvirtd.main (the pid its
  journal lines carry) and libvirtd.children (process groups of firewall children still running)

Starting a network applies libvirt's firewall rules, and those make the kernel load the NAT and
conntrack modules: modelled as loading iptable_nat through the simulator's own load path, so
modprobe.d counts exactly as for modprobe. When a load fails (install ... /bin/false) the network
fails and libvirtd stays active. When it hangs (legacy kernel with nf_conntrack_ipv4 blacklisted,
or lab.hangModprobe) libvirtd is active, its bridge exists but is down, and a child
`/usr/sbin/iptables -w --table filter --insert FORWARD ...` waits on `/sbin/modprobe -q --
iptable_nat` (asleep in S; in D when the cause is lab.hangModprobe) until the cause goes; then the
start completes and the network comes up, as libvirt's would once its iptables call returned.

No libvirtd process runs: a thousand idle daemons would cost the benchmark gigabytes.
"""
import os
import re
import signal
import sys
import time

from . import modconf, mounts
from .host import read_file, rmtree, write_file
from .kernel import Kernel, KmodError
from .probe import Hang, InstallFailed, Loader

UNIT = 'libvirtd.service'
NETWORKS = '/libvirt/qemu/networks'  # under /etc
STATUS = '/libvirt/network'  # under /run
IPTABLES = '/usr/sbin/iptables'

VERSION = {
    'debian12': ('9.0.0', '9.0.0-4+deb12u2 (Debian)'),
    'centos7': ('4.5.0', '36.el7_9.5 (CentOS BuildSystem <http://bugs.centos.org>, 2021-04-28-14:53:30, '
                'x86-01.bsys.centos.org)'),
    'centos6': ('0.10.2', '64.el6 (CentOS BuildSystem <http://bugs.centos.org>, 2018-06-20-22:50:36, '
                'c1bm.rdu2.centos.org)'),
}

NETWORK_XML = """<!--
WARNING: THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE
OVERWRITTEN AND LOST. Changes to this xml configuration should be made using:
  virsh net-edit %(name)s
or other application using the libvirt API.
-->

<network>
  <name>%(name)s</name>
  <uuid>%(uuid)s</uuid>
  <forward mode='nat'/>
  <bridge name='%(bridge)s' stp='on' delay='0'/>
  <mac address='%(mac)s'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.122.2' end='192.168.122.254'/>
    </dhcp>
  </ip>
</network>
"""


class Network:
    __slots__ = ('name', 'uuid', 'bridge', 'mac', 'cidr', 'xml')

    def __init__(self, xml):
        def get(pattern, default=''):
            m = re.search(pattern, xml)
            return m.group(1) if m else default

        self.xml = xml
        self.name = get(r'<name>\s*([^<\s]+)\s*</name>')
        self.uuid = get(r'<uuid>\s*([^<\s]+)\s*</uuid>')
        self.bridge = get(r"<bridge\s+name=['\"]([^'\"]+)['\"]", 'virbr0')
        self.mac = get(r"<mac\s+address=['\"]([^'\"]+)['\"]", '52:54:00:00:00:01')
        address = get(r"<ip\s+address=['\"]([^'\"]+)['\"]", '192.168.122.1')
        netmask = get(r"netmask=['\"]([^'\"]+)['\"]", '255.255.255.0')
        self.cidr = _cidr(address, netmask)


def _cidr(address, netmask):
    try:
        a = [int(x) for x in address.split('.')]
        m = [int(x) for x in netmask.split('.')]
        prefix = sum(bin(x).count('1') for x in m)
        return '%s/%d' % ('.'.join(str(x & y) for x, y in zip(a, m)), prefix)
    except ValueError:
        return '192.168.122.0/24'


# ---- configuration and state ------------------------------------------------------------------
def _netdir(host):
    return host.roots.etc + NETWORKS


def names(host):
    """Defined (persistent) networks, by name."""
    try:
        return sorted(n[:-4] for n in os.listdir(_netdir(host)) if n.endswith('.xml'))
    except OSError:
        return []


def definition(host, name):
    try:
        return Network(read_file('%s/%s.xml' % (_netdir(host), name)))
    except OSError:
        return None


def status(host, name):
    """The running network (from its status file), or None when it is not active."""
    try:
        return Network(read_file('%s%s/%s.xml' % (host.roots.run, STATUS, name)))
    except OSError:
        return None


def autostart(host, name):
    return os.path.lexists('%s/autostart/%s.xml' % (_netdir(host), name))


def set_autostart(host, name, on):
    link = '%s/autostart/%s.xml' % (_netdir(host), name)
    if on and not os.path.lexists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink('/etc/libvirt/qemu/networks/%s.xml' % name, link)
    elif not on and os.path.lexists(link):
        os.unlink(link)


def running(host):
    """libvirtd's unit state (the same file systemctl and service read)."""
    try:
        with open(host.state_path('units/' + UNIT)) as f:
            return f.read().split(' ', 1)[0] == 'active'
    except FileNotFoundError:
        return False


def main_pid(host):
    try:
        return int(read_file(host.state_path('libvirtd.main')).strip())
    except (OSError, ValueError):
        return 0


# ---- /sys/class/net ---------------------------------------------------------------------------
def _link(host, dev, flags, mac, mtu='1500', ifindex='3', kind='1', operstate='down'):
    d = host.roots.sysnet + '/' + dev
    os.makedirs(d, exist_ok=True)
    for key, value in (('flags', flags), ('operstate', operstate), ('address', mac), ('mtu', mtu),
                       ('type', kind), ('ifindex', ifindex), ('tx_queue_len', '1000')):
        write_file(d + '/' + key, value + '\n', 0o444 if key in ('operstate', 'address', 'type', 'ifindex') else 0o644)
    return d


def reset_links(host):
    """Boot state of /sys/class/net: loopback only (the lab has no network namespace; a
    hypervisor's own NICs are not modelled)."""
    root = host.roots.sysnet
    os.makedirs(root, exist_ok=True)
    for entry in os.listdir(root):
        if entry != 'lo':
            rmtree(root + '/' + entry)
    _link(host, 'lo', '0x9', '00:00:00:00:00:00', mtu='65536', ifindex='1', kind='772', operstate='unknown')


def _bridge(host, net, up):
    """An idle libvirt bridge: no guest attached, so no carrier and operstate down even when up
    (0x1003 = IFF_UP|IFF_BROADCAST|IFF_MULTICAST). The legacy libvirt (4.5) also makes the dummy
    tap <bridge>-nic, up while the network starts and down once it runs (incident 3's ifconfig
    showed virbr0-nic UP and no virbr0)."""
    d = _link(host, net.bridge, '0x1003' if up else '0x1002', net.mac)
    os.makedirs(d + '/bridge', exist_ok=True)
    os.makedirs(d + '/brif', exist_ok=True)
    write_file(d + '/bridge/stp_state', '1\n', 0o644)
    if host.kernel == 'legacy':
        tap = net.bridge + '-nic'
        _link(host, tap, '0x1102' if up else '0x1103', net.mac, ifindex='4')
        if not os.path.lexists(d + '/brif/' + tap):
            os.symlink('../../' + tap, d + '/brif/' + tap)


def _unbridge(host, bridge):
    for dev in (bridge, bridge + '-nic'):
        rmtree(host.roots.sysnet + '/' + dev)


# ---- starting and stopping networks -----------------------------------------------------------
class FirewallError(Exception):
    pass


def _rule(host, net, table):
    """The iptables arguments libvirt runs for one of the network's rules (its version's wording)."""
    if table == 'filter':
        chain = 'FORWARD' if host.kernel == 'legacy' else 'LIBVIRT_FWI'
        return ['-w', '--table', 'filter', '--insert', chain, '--destination', net.cidr, '--out-interface',
                net.bridge, '--match', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '--jump', 'ACCEPT']
    chain = 'POSTROUTING' if host.kernel == 'legacy' else 'LIBVIRT_PRT'
    return ['-w', '--table', 'nat', '--insert', chain, '--source', net.cidr, "'!'", '--destination', net.cidr,
            '--jump', 'MASQUERADE']


def _firewall(host, net):
    """What applying the rules asks of the kernel: the NAT table and conntrack. Raises Hang, or
    FirewallError with libvirt's message."""
    k = Kernel(host)
    if k.state('iptable_nat') == 'live':
        return
    if host.flag('hang-modprobe'):
        raise Hang('iptable_nat')
    try:
        Loader(k, modconf.load()).load('iptable_nat', [])
    except (InstallFailed, KmodError):
        raise FirewallError(_firewall_message(host, net)) from None


def _firewall_message(host, net):
    if host.kernel == 'legacy':
        rule, why = _rule(host, net, 'filter'), 'iptables: No chain/target/match by that name.'
    else:
        rule = _rule(host, net, 'nat')
        why = 'iptables v1.8.9 (nf_tables): CHAIN_ADD failed (No such file or directory): chain POSTROUTING'
    return 'internal error: Failed to apply firewall rules %s %s: %s' % (IPTABLES, ' '.join(rule), why)


def start_network(host, net):
    """Start a defined, inactive network; the caller holds the host lock. Returns (result, detail):
    ('active', None), ('failed', libvirt's error) or ('hung', pid of the blocked child)."""
    _bridge(host, net, up=False)  # libvirt makes the bridge before its firewall rules
    try:
        _firewall(host, net)
    except FirewallError as e:
        _unbridge(host, net.bridge)
        return 'failed', str(e)
    except Hang:
        return 'hung', _spawn_blocked(host, net)
    _up(host, net)
    return 'active', None


def _up(host, net):
    _bridge(host, net, up=True)
    d = host.roots.run + STATUS
    os.makedirs(d, exist_ok=True)
    body = net.xml.split('-->', 1)[-1].strip('\n') if '-->' in net.xml else net.xml.strip('\n')
    write_file('%s/%s.xml' % (d, net.name),
               "<networkstatus>\n  <class_id bitmap='0-2'/>\n  <floor sum='0'/>\n%s\n</networkstatus>\n" % body)


def stop_network(host, name):
    """net-destroy: the bridge goes, the status file goes (the definition stays)."""
    for net in (status(host, name), definition(host, name)):
        if net is not None:
            _unbridge(host, net.bridge)
    rmtree('%s%s/%s.xml' % (host.roots.run, STATUS, name))


def autostart_networks(host):
    """What libvirtd does once started: every autostart network that is not active yet."""
    for name in names(host):
        if not autostart(host, name) or status(host, name) is not None:
            continue
        net = definition(host, name)
        result, detail = start_network(host, net)
        if result == 'failed':
            host.log('libvirtd', detail, UNIT, pid=main_pid(host))


# ---- the daemon -------------------------------------------------------------------------------
def daemon_start(host):
    """libvirtd starts (caller: systemd's unit start, service(8), the boot; host lock held).
    Its autostart comes after, in autostart_networks, once the init system calls it started."""
    kill_children(host)  # a previous instance's leftovers
    pid = os.getpid()
    write_file(host.state_path('libvirtd.main'), '%d\n' % pid)
    version, package = VERSION.get(host.distro, VERSION['debian12'])
    # Real libvirtd writes these two before its first message; here every start writes them, so
    # a test can count starts on any init system.
    host.log('libvirtd', 'libvirt version: %s, package: %s' % (version, package), UNIT, pid=pid)
    host.log('libvirtd', 'hostname: %s' % host.name, UNIT, pid=pid)


def daemon_stop(host):
    """libvirtd stops: its children are ended and (a lab simplification) its networks go down."""
    killed = kill_children(host)
    if host.init == 'systemd':
        for pid, comm in killed:
            host.log('systemd', '%s: Killing process %d (%s) with signal SIGKILL.' % (UNIT, pid, comm), UNIT, pid=1)
    for name in set(names(host)) | set(_status_names(host)):
        stop_network(host, name)
    rmtree(host.state_path('libvirtd.main'))


def _status_names(host):
    try:
        return [n[:-4] for n in os.listdir(host.roots.run + STATUS) if n.endswith('.xml')]
    except OSError:
        return []


def power_off(host):
    """A reboot: every process of the previous boot ends, every link but lo goes."""
    kill_children(host)
    reset_links(host)
    rmtree(host.roots.run + '/libvirt')
    rmtree(host.state_path('libvirtd.main'))


def sysv_enabled(host):
    """An S link in a multi-user runlevel, as update-rc.d and chkconfig leave them."""
    for level in '2345':
        try:
            if any(re.match(r'S\d\dlibvirtd$', n) for n in os.listdir('%s/rc%s.d' % (host.roots.etc, level))):
                return True
        except OSError:
            continue
    return False


def sysv_start(host):
    """`service libvirtd start` / the boot's rc scripts on hosts without systemd."""
    from . import units

    units.set_state(host, UNIT, 'active')
    daemon_start(host)
    autostart_networks(host)


def sysv_stop(host):
    from . import units

    daemon_stop(host)
    units.set_state(host, UNIT, 'inactive')


# ---- the blocked firewall child ---------------------------------------------------------------
def _groups(host):
    try:
        return [int(x) for x in read_file(host.state_path('libvirtd.children')).split()]
    except (OSError, ValueError):
        return []


def _set_groups(host, groups):
    if groups:
        write_file(host.state_path('libvirtd.children'), ''.join('%d\n' % g for g in groups))
    else:
        rmtree(host.state_path('libvirtd.children'))


def children(host):
    """(pid, comm, cmdline) of libvirtd's children still running in this host."""
    groups = set(_groups(host))
    if not groups:
        return []
    mine = os.stat('/proc/self/ns/mnt').st_ino
    out = []
    for p in os.listdir('/proc'):
        if not p.isdigit():
            continue
        try:
            if os.stat('/proc/%s/ns/mnt' % p).st_ino != mine:
                continue
            with open('/proc/%s/stat' % p) as f:
                stat = f.read()
            with open('/proc/%s/cmdline' % p, 'rb') as f:
                cmdline = f.read().replace(b'\0', b' ').decode(errors='replace').strip()
        except OSError:
            continue
        comm = stat[stat.index('(') + 1:stat.rindex(')')]
        fields = stat.rsplit(')', 1)[1].split()
        if fields[0] != 'Z' and int(fields[2]) in groups:
            out.append((int(p), comm, cmdline))
    return sorted(out)


def kill_children(host):
    """End libvirtd's children, as systemd ends a unit's processes: a restart must not leave one
    blocked iptables per restart piling up. Returns [(pid, comm)] of those killed."""
    victims = [(pid, comm) for pid, comm, _ in children(host)]
    for pid, _ in victims:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 2
    while victims and time.monotonic() < deadline and any(_alive(pid) for pid, _ in victims):
        time.sleep(0.01)
    _set_groups(host, [])
    return victims


def _alive(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


def _spawn_blocked(host, net):
    """Fork the iptables child that waits for the module load, in a process group of its own
    (libvirtd's cgroup, as it were: an ssh session's end or timeout does not reach it). Returns
    once it and its modprobe show in ps as what they are: they close the pipe when they do."""
    r, w = os.pipe()
    args = _rule(host, net, 'filter')
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            null = os.open('/dev/null', os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            # Every other descriptor goes, the host lock's first: the lock is the caller's.
            os.closerange(3, w)
            os.closerange(w + 1, 65536)
            os.set_inheritable(w, True)
            sim = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
            code = ('import sys; sys.path.insert(0, %r)\nfrom netfix_sim.libvirt import firewall_child\n'
                    'firewall_child()' % sim)
            env = {'PATH': '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'LANG': 'C',
                   'NETFIX_SIM_READY_FD': str(w), 'NETFIX_SIM_NETWORK': net.name}
            os.execve(sys.executable, [sys.executable, '-S', '-c', code] + args, env)
        finally:
            os._exit(127)
    os.close(w)
    _set_groups(host, _groups(host) + [pid])
    _wait_eof(r, 5.0)
    return pid


def _wait_eof(fd, timeout):
    import select

    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return
            if not os.read(fd, 64):
                return
    finally:
        os.close(fd)


def firewall_child():
    """The blocked child (`python3 -S -c ... ARGS` by _spawn_blocked). It runs the module load as
    the kernel would, through `/sbin/modprobe -q -- iptable_nat` (which hangs while the cause is
    there and finishes when it goes), then completes or fails the network start."""
    from .boot import boot_id
    from .host import Host

    mounts.set_comm('iptables')
    mounts.set_cmdline([IPTABLES] + sys.argv[1:])
    host = Host()
    name = os.environ.pop('NETFIX_SIM_NETWORK', 'default')
    booted = boot_id(host)
    pid = os.fork()
    if pid == 0:
        try:
            os.execv('/sbin/modprobe', ['/sbin/modprobe', '-q', '--', 'iptable_nat'])
        finally:
            os._exit(127)
    os.close(int(os.environ.pop('NETFIX_SIM_READY_FD')))
    _, wait_status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(wait_status)
    lock = host.lock()
    try:
        mine = os.getpid()
        if boot_id(host) != booted or mine not in _groups(host):
            return  # libvirtd was restarted or stopped meanwhile (it would have killed us)
        net = definition(host, name) or status(host, name)
        if net is not None and status(host, name) is None:
            if code == 0:
                try:
                    _firewall(host, net)  # the remaining rules: nothing left to load
                    _up(host, net)
                except (FirewallError, Hang):
                    _unbridge(host, net.bridge)
            else:
                _unbridge(host, net.bridge)
                host.log('libvirtd', _firewall_message(host, net), UNIT, pid=main_pid(host))
        _set_groups(host, [g for g in _groups(host) if g != mine])
    finally:
        host.unlock(lock)


# ---- a new host --------------------------------------------------------------------------------
def install(host):
    """A freshly installed hypervisor (the lab daemon, before the host's namespace exists): the
    default network defined with autostart, and running. Its firewall modules are not loaded at
    lab start (earlier tests and seeds rely on a host with no conntrack loaded); the first start
    of libvirtd (restart, reboot) loads them."""
    reset_links(host)
    values = {'name': 'default', 'uuid': _uuid(), 'bridge': 'virbr0',
              'mac': '52:54:00:%02x:%02x:%02x' % tuple(os.urandom(3))}
    d = _netdir(host)
    os.makedirs(d + '/autostart', exist_ok=True)
    write_file(d + '/default.xml', NETWORK_XML % values, 0o600)
    set_autostart(host, 'default', True)
    _up(host, Network(NETWORK_XML % values))
    write_file(host.state_path('libvirtd.main'), '%d\n' % (1000 + int.from_bytes(os.urandom(2), 'big') % 3000))


def _uuid():
    h = bytearray(os.urandom(16))
    h[6] = (h[6] & 0x0F) | 0x40
    h[8] = (h[8] & 0x3F) | 0x80
    x = h.hex()
    return '%s-%s-%s-%s-%s' % (x[:8], x[8:12], x[12:16], x[16:20], x[20:])
