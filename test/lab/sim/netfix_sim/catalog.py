"""Module catalogs of the two simulated kernels.

Only what netfix and the incidents touch: dependency chains, aliases, parameters with their sysfs
modes, and the /proc/sys/net subtree a module brings with it. 'modern' is Debian 12 (6.1): no
nf_conntrack_ipv4. 'legacy' is RHEL 7 (3.10): nf_conntrack_ipv4 exists and is reached through the
kernel's request for the alias nf_conntrack-2, which is where incident 3 hung.
"""

RELEASE = {'modern': '6.1.0-28-amd64', 'legacy': '3.10.0-1160.119.1.el7.x86_64'}
VERSION = {
    'modern': '#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)',
    'legacy': '#1 SMP Tue Jun 4 14:43:51 UTC 2024',
}
VERMAGIC = {
    'modern': '6.1.0-28-amd64 SMP preempt mod_unload modversions ',
    'legacy': '3.10.0-1160.119.1.el7.x86_64 SMP mod_unload modversions ',
}
SUFFIX = {'modern': '.ko', 'legacy': '.ko.xz'}


class Param:
    """A module parameter. mode 0 means it exists but has no sysfs file (like enable_hooks).
    doc None means modinfo does not list it (like nf_conntrack's hashsize, kernel-facts.md)."""

    __slots__ = ('name', 'mode', 'kind', 'default', 'doc')

    def __init__(self, name, mode, kind, default, doc):
        self.name, self.mode, self.kind, self.default, self.doc = name, mode, kind, default, doc


class Module:
    __slots__ = ('name', 'path', 'size', 'deps', 'requests', 'aliases', 'params', 'tree', 'description')

    def __init__(self, name, path, size, deps=(), aliases=(), params=(), tree=None, requests=(), description=None):
        self.name = name
        self.path = path
        self.size = size
        self.deps = tuple(deps)  # hard dependencies, loaded first whatever the blacklist says
        self.requests = tuple(requests)  # aliases the module requests from the kernel while it initialises
        self.aliases = tuple(aliases)
        self.params = {p.name: p for p in params}
        self.tree = tree  # 'bridge' | 'conntrack' | None: the /proc/sys/net subtree it owns
        self.description = description


def _conntrack_params(profile):
    # In modinfo's order (kernel-facts.md, incidents seed 2).
    params = [
        Param('hashsize', 0o600, 'uint', None, None),
        Param('tstamp', 0o644, 'bool', 'N', 'Enable connection tracking flow timestamping.'),
        Param('acct', 0o644, 'bool', 'N', 'Enable connection tracking flow accounting.'),
    ]
    if profile == 'legacy':
        params.append(Param('nf_conntrack_helper', 0o644, 'bool', 'Y',
                            'Enable automatic conntrack helper assignment (default 1)'))
    params.append(Param('expect_hashsize', 0o400, 'uint', None, ''))
    if profile == 'modern':
        # enable_hooks is module_param(..., 0000) in 6.1: listed by modinfo, absent from sysfs.
        params.append(Param('enable_hooks', 0, 'bool', 'N', 'Always enable conntrack hooks'))
    return params


_ZCOPYTX = Param('experimental_zcopytx', 0o444, 'int', '0', 'Enable Zero Copy TX; 1 -Enable; 0 - Disable')


def _common():
    return [
        Module('llc', 'net/llc/llc', 16384),
        Module('stp', 'net/802/stp', 16384, deps=['llc']),
        Module('bridge', 'net/bridge/bridge', 311296, deps=['stp', 'llc'], aliases=['rtnl-link-bridge'],
               description='Ethernet bridge driver'),
        Module('br_netfilter', 'net/bridge/br_netfilter', 32768, deps=['bridge'], tree='bridge',
               description='Linux ethernet netfilter firewall bridge'),
        Module('libcrc32c', 'lib/libcrc32c', 16384, description='CRC32c (Castagnoli) calculations'),
        Module('nf_defrag_ipv4', 'net/ipv4/netfilter/nf_defrag_ipv4', 16384),
        Module('nf_defrag_ipv6', 'net/ipv6/netfilter/nf_defrag_ipv6', 24576),
        Module('x_tables', 'net/netfilter/x_tables', 57344, description='{ip,ip6,arp,eb}_tables backend module'),
        Module('ip_tables', 'net/ipv4/netfilter/ip_tables', 36864, deps=['x_tables'], description='IPv4 packet filter'),
        Module('iptable_filter', 'net/ipv4/netfilter/iptable_filter', 16384, deps=['ip_tables'],
               description='iptables filter table'),
        Module('tun', 'drivers/net/tun', 61440, aliases=['devname:net/tun', 'char-major-10-200'],
               description='Universal TUN/TAP device driver'),
        Module('irqbypass', 'virt/lib/irqbypass', 16384, description='IRQ bypass manager utility module'),
        Module('kvm', 'arch/x86/kvm/kvm', 1142784, deps=['irqbypass'], aliases=['devname:kvm', 'char-major-10-232'],
               params=[Param('ignore_msrs', 0o644, 'bool', 'N', '')]),
        Module('kvm_intel', 'arch/x86/kvm/kvm-intel', 380928, deps=['kvm'],
               params=[Param('nested', 0o444, 'bool', 'Y', '')]),
        Module('mrp', 'net/802/mrp', 20480),
        Module('garp', 'net/802/garp', 16384, deps=['stp', 'llc']),
        Module('8021q', 'net/8021q/8021q', 40960, deps=['garp', 'mrp'], aliases=['rtnl-link-vlan'],
               description='802.1Q VLAN Support'),
    ]


def _modern():
    return _common() + [
        Module('nf_conntrack', 'net/netfilter/nf_conntrack', 184320,
               deps=['nf_defrag_ipv6', 'nf_defrag_ipv4', 'libcrc32c'],
               aliases=['nf_conntrack-10', 'nf_conntrack-2', 'ip_conntrack'],
               params=_conntrack_params('modern'), tree='conntrack'),
        Module('nf_nat', 'net/netfilter/nf_nat', 57344, deps=['nf_conntrack', 'libcrc32c']),
        Module('iptable_nat', 'net/ipv4/netfilter/iptable_nat', 16384, deps=['ip_tables', 'nf_nat'],
               description='iptables legacy nat table'),
        Module('tap', 'drivers/net/tap', 28672),
        Module('vhost_iotlb', 'drivers/vhost/vhost_iotlb', 16384),
        Module('vhost', 'drivers/vhost/vhost', 61440, deps=['vhost_iotlb']),
        Module('vhost_net', 'drivers/vhost/vhost_net', 36864, deps=['tun', 'vhost', 'vhost_iotlb', 'tap'],
               aliases=['devname:vhost-net', 'char-major-10-238'],
               params=[_ZCOPYTX]),
    ]


def _legacy():
    return _common() + [
        Module('nf_conntrack', 'net/netfilter/nf_conntrack', 133053, deps=['libcrc32c'],
               params=_conntrack_params('legacy'), tree='conntrack'),
        Module('nf_conntrack_ipv4', 'net/ipv4/netfilter/nf_conntrack_ipv4', 15053,
               deps=['nf_defrag_ipv4', 'nf_conntrack'], aliases=['nf_conntrack-2', 'ip_conntrack']),
        Module('nf_conntrack_ipv6', 'net/ipv6/netfilter/nf_conntrack_ipv6', 18935,
               deps=['nf_defrag_ipv6', 'nf_conntrack'], aliases=['nf_conntrack-10']),
        Module('nf_nat', 'net/netfilter/nf_nat', 26583, deps=['nf_conntrack']),
        Module('nf_nat_ipv4', 'net/ipv4/netfilter/nf_nat_ipv4', 14115, deps=['nf_nat', 'nf_conntrack'],
               requests=['nf_conntrack-2']),
        Module('iptable_nat', 'net/ipv4/netfilter/iptable_nat', 12875,
               deps=['nf_nat_ipv4', 'nf_nat', 'nf_conntrack', 'ip_tables'], requests=['nf_conntrack-2']),
        Module('vhost', 'drivers/vhost/vhost', 48851),
        Module('vhost_net', 'drivers/vhost/vhost_net', 22507, deps=['tun', 'vhost'],
               aliases=['devname:vhost-net', 'char-major-10-238'],
               params=[_ZCOPYTX]),
    ]


# Built into both kernels: /sys/module/unix exists without initstate, modinfo says (builtin).
BUILTIN = {'unix': {'file': 'net/unix/unix', 'aliases': ('net-pf-1',), 'license': 'GPL'}}

_CACHE = {}


def modules(profile):
    """name -> Module for a kernel profile ('modern' | 'legacy')."""
    if profile not in _CACHE:
        _CACHE[profile] = {m.name: m for m in (_modern() if profile == 'modern' else _legacy())}
    return _CACHE[profile]


def norm(name):
    """kmod treats '-' and '_' in module names alike."""
    return name.replace('-', '_')
