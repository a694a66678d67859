"""What a freshly installed host of each flavour has under /etc, as the upper layer of the
host's /etc overlay: private copies of the module/sysctl configuration, and the distribution's
identity files. A whiteout hides a file the real machine has but the flavour does not."""

DEBIAN_MODULES = """\
# /etc/modules: kernel modules to load at boot time.
#
# This file contains the names of kernel modules that should be loaded
# at boot time, one per line. Lines beginning with "#" are ignored.
# Parameters can be specified after the module name.

"""

DEBIAN_SYSCTL = """\
#
# /etc/sysctl.conf - Configuration file for setting system variables
# See /etc/sysctl.d/ for additional system variables.
# See sysctl.conf (5) for information.
#

#kernel.domainname = example.com

# Uncomment the following to stop low-level messages on console
#kernel.printk = 3 4 1 3

###################################################################
# Functions previously found in netbase
#

# Uncomment the next two lines to enable Spoof protection (reverse-path filter)
# Turn on Source Address Verification in all interfaces to
# prevent some spoofing attacks
#net.ipv4.conf.default.rp_filter=1
#net.ipv4.conf.all.rp_filter=1

# Uncomment the next line to enable packet forwarding for IPv4
#net.ipv4.ip_forward=1
"""

CENTOS7_SYSCTL = """\
# sysctl settings are defined through files in
# /usr/lib/sysctl.d/, /run/sysctl.d/, and /etc/sysctl.d/.
#
# Vendors settings live in /usr/lib/sysctl.d/.
# To override a whole file, create a new file with the same in
# /etc/sysctl.d/ and put new settings there. To override
# only specific settings, add a file with a lexically later
# name in /etc/sysctl.d/ and put new settings there.
#
# For more information, see sysctl.conf(5) and sysctl.d(5).
"""

CENTOS6_SYSCTL = """\
# Kernel sysctl configuration file for Red Hat Linux
#
# For binary values, 0 is disabled, 1 is enabled.  See sysctl(8) and
# sysctl.conf(5) for more details.

# Controls IP packet forwarding
net.ipv4.ip_forward = 0

# Controls source route verification
net.ipv4.conf.default.rp_filter = 1

# Controls the System Request debugging functionality of the kernel
kernel.sysrq = 0

# Controls whether core dumps will append the PID to the core filename.
# Useful for debugging multi-threaded applications.
kernel.core_uses_pid = 1
"""

CENTOS7_OS_RELEASE = """\
NAME="CentOS Linux"
VERSION="7 (Core)"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="7"
PRETTY_NAME="CentOS Linux 7 (Core)"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:centos:centos:7"
HOME_URL="https://www.centos.org/"
"""


# root's home. Private per host so the real machine's dotfiles (which may run slow tools at
# every non-interactive ssh command: bash sources ~/.bashrc then) never reach a lab host.
ROOT_HOME = {
    '.bashrc': """\
# ~/.bashrc: executed by bash(1) for non-login shells.

# Note: PS1 and umask are already set in /etc/profile. You should not
# need this unless you want different defaults for root.
# PS1='${debian_chroot:+($debian_chroot)}\\h:\\w\\$ '
# umask 022
""",
    '.profile': """\
# ~/.profile: executed by Bourne-compatible login shells.

if [ "$BASH" ]; then
  if [ -f ~/.bashrc ]; then
    . ~/.bashrc
  fi
fi

mesg n 2> /dev/null || true
""",
}


DEBIAN_LIBVIRTD_INIT = """\
#!/bin/sh
### BEGIN INIT INFO
# Provides:          libvirtd
# Required-Start:    $network $local_fs $remote_fs $syslog
# Required-Stop:     $local_fs $remote_fs $syslog
# Should-Start:      avahi-daemon cgconfig
# Should-Stop:       avahi-daemon cgconfig
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: libvirt management daemon
### END INIT INFO
# netfix lab: the simulated service(8) is libvirtd's init script; this one hands over to it.
exec /usr/sbin/service libvirtd "$@"
"""

CENTOS6_LIBVIRTD_INIT = """\
#!/bin/sh
#
# libvirtd:   guest and virtual network management daemon
#
# chkconfig: 345 97 03
# description:  This is a daemon for managing guest instances \\
#               and libvirt virtual networks
#               See http://libvirt.org
#
# processname: libvirtd
# pidfile: /var/run/libvirtd.pid
#
# netfix lab: the simulated service(8) is libvirtd's init script; this one hands over to it.
exec /usr/sbin/service libvirtd "$@"
"""


def pick(kernel, init):
    """The distribution a (kernel, init) pair stands for."""
    if init == 'rhel6':
        return 'centos6'
    if init == 'systemd' and kernel == 'legacy':
        return 'centos7'
    return 'debian12'


def layout(distro, init):
    """Entries for the /etc upper layer: path -> ('file', text, mode) | ('dir',) | ('opaque',) |
    ('link', target) | ('whiteout',). Opaque directories hide the real machine's contents."""
    e = {
        'modprobe.d': ('opaque',),
        'sysctl.d': ('opaque',),
        'sysctl.d/99-sysctl.conf': ('link', '../sysctl.conf'),
    }
    if distro == 'debian12':
        e.update({
            'modules': ('file', DEBIAN_MODULES, 0o644),
            'modules-load.d': ('opaque',),
            'modules-load.d/modules.conf': ('link', '../modules'),
            'sysctl.conf': ('file', DEBIAN_SYSCTL, 0o644),
        })
    else:
        e.update({
            'debian_version': ('whiteout',),
            'modules': ('whiteout',),
            'sysconfig': ('opaque',),
            'sysconfig/modules': ('dir',),
        })
    if distro == 'centos7':
        e.update({
            'modules-load.d': ('opaque',),
            'sysctl.conf': ('file', CENTOS7_SYSCTL, 0o644),
            'redhat-release': ('file', 'CentOS Linux release 7.9.2009 (Core)\n', 0o644),
            'centos-release': ('file', 'CentOS Linux release 7.9.2009 (Core)\n', 0o644),
            'os-release': ('file', CENTOS7_OS_RELEASE, 0o644),
        })
    elif distro == 'centos6':
        e.update({
            'modules-load.d': ('whiteout',),
            'sysctl.conf': ('file', CENTOS6_SYSCTL, 0o644),
            'redhat-release': ('file', 'CentOS release 6.10 (Final)\n', 0o644),
            'centos-release': ('file', 'CentOS release 6.10 (Final)\n', 0o644),
            'os-release': ('whiteout',),
        })
    if init != 'systemd':
        # libvirtd's init script and its runlevel links (update-rc.d defaults / chkconfig --add)
        centos = distro == 'centos6'
        start, stop = ('S97libvirtd', 'K03libvirtd') if centos else ('S01libvirtd', 'K01libvirtd')
        e['init.d'] = ('dir',)
        e['init.d/libvirtd'] = ('file', CENTOS6_LIBVIRTD_INIT if centos else DEBIAN_LIBVIRTD_INIT, 0o755)
        for level in '0123456':
            e['rc%s.d' % level] = ('dir',)
            name = start if level in '2345' else stop
            e['rc%s.d/%s' % (level, name)] = ('link', '../init.d/libvirtd')
    if init == 'systemd':
        prefix = '/lib/systemd/system/' if distro == 'debian12' else '/usr/lib/systemd/system/'
        e['systemd'] = ('dir',)
        e['systemd/system'] = ('dir',)
        e['systemd/system/multi-user.target.wants'] = ('dir',)
        e['systemd/system/multi-user.target.wants/libvirtd.service'] = ('link', prefix + 'libvirtd.service')
    return e
