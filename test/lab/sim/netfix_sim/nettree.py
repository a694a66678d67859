"""The simulated /proc/sys/net: a base set of keys, plus the subtrees that exist only while their
module is loaded (bridge/ with br_netfilter, netfilter/ with nf_conntrack, kernel-facts.md)."""
import os

from .host import rmtree, write_file

# Keys a hypervisor's sysctl.d commonly sets; kernel defaults. Values are written with a newline,
# as /proc/sys shows them.
_BASE = {
    'core/somaxconn': {'modern': '4096', 'legacy': '128'},
    'core/rmem_max': '212992',
    'core/wmem_max': '212992',
    'core/netdev_max_backlog': '1000',
    'ipv4/ip_forward': '0',
    'ipv4/ip_local_port_range': '32768\t60999',
    'ipv4/tcp_syncookies': '1',
    'ipv4/conf/all/forwarding': '0',
    'ipv4/conf/default/forwarding': '0',
    'ipv4/conf/lo/forwarding': '0',
    'ipv4/conf/all/rp_filter': '0',
    'ipv4/conf/default/rp_filter': '0',
    'ipv4/conf/all/accept_redirects': '1',
    'ipv4/conf/default/accept_redirects': '1',
    'ipv4/conf/all/send_redirects': '1',
    'ipv4/conf/default/send_redirects': '1',
    'ipv6/conf/all/forwarding': '0',
    'ipv6/conf/default/forwarding': '0',
    'ipv6/conf/lo/forwarding': '0',
    'ipv6/conf/all/disable_ipv6': '0',
    'ipv6/conf/default/disable_ipv6': '0',
    'unix/max_dgram_qlen': '512',
}

BRIDGE = {
    'bridge-nf-call-arptables': '1',
    'bridge-nf-call-ip6tables': '1',
    'bridge-nf-call-iptables': '1',
    'bridge-nf-filter-pppoe-tagged': '0',
    'bridge-nf-filter-vlan-tagged': '0',
    'bridge-nf-pass-vlan-input-dev': '0',
}


def reset(net_root, profile):
    """Boot state: the base keys only."""
    if os.path.isdir(net_root):
        for entry in os.listdir(net_root):
            rmtree(os.path.join(net_root, entry))
    else:
        os.makedirs(net_root)
    for key, value in _BASE.items():
        if isinstance(value, dict):
            value = value[profile]
        path = os.path.join(net_root, key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_file(path, value + '\n', 0o644)


def add_bridge(net_root):
    d = net_root + '/bridge'
    os.makedirs(d, exist_ok=True)
    for key, value in BRIDGE.items():
        write_file(d + '/' + key, value + '\n', 0o644)


def remove_bridge(net_root):
    rmtree(net_root + '/bridge')


def add_conntrack(net_root, profile, hashsize, max_entries, expect_hashsize, acct, tstamp):
    """nf_conntrack's sysctls. nf_conntrack_buckets is a symlink to the hashsize parameter so it
    follows a plain `echo N > /sys/module/nf_conntrack/parameters/hashsize` at once, as the real
    one does; and `sysctl -w ...buckets=N` resizes through it (kernel-facts.md). The symlink
    target is the path inside the host. Returns the paths that must be read-only."""
    d = net_root + '/netfilter'
    os.makedirs(d, exist_ok=True)
    values = {
        'nf_conntrack_acct': '1' if acct == 'Y' else '0',
        'nf_conntrack_checksum': '1',
        'nf_conntrack_count': '0',
        'nf_conntrack_events': '2' if profile == 'modern' else '1',
        'nf_conntrack_expect_max': str(int(expect_hashsize) * 4),
        'nf_conntrack_generic_timeout': '600',
        'nf_conntrack_helper': '0' if profile == 'modern' else '1',
        'nf_conntrack_log_invalid': '0',
        'nf_conntrack_max': str(max_entries),
        'nf_conntrack_tcp_timeout_established': '432000',
        'nf_conntrack_timestamp': '1' if tstamp == 'Y' else '0',
        'nf_conntrack_udp_timeout': '30',
    }
    for key, value in values.items():
        write_file(d + '/' + key, value + '\n', 0o444 if key == 'nf_conntrack_count' else 0o644)
    link = d + '/nf_conntrack_buckets'
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink('/sys/module/nf_conntrack/parameters/hashsize', link)
    write_file(net_root + '/nf_conntrack_max', str(max_entries) + '\n', 0o644)
    return [d + '/nf_conntrack_count']


def remove_conntrack(net_root):
    rmtree(net_root + '/netfilter')
    rmtree(net_root + '/nf_conntrack_max')
