"""The few systemd units the lab knows, their state (/run/netfix-sim/units/<unit>) and what
starting them does."""
import os
import time

from . import boot_steps, libvirt

WANTS = '/etc/systemd/system/multi-user.target.wants/'

# unit -> (description, 'enable' | 'static', oneshot)
UNITS = {
    'libvirtd.service': ('Virtualization daemon', 'enable', False),
    'systemd-sysctl.service': ('Apply Kernel Variables', 'static', True),
    'systemd-modules-load.service': ('Load Kernel Modules', 'static', True),
}


def unit_name(name):
    return name if '.' in name else name + '.service'


def unit_file(host, unit):
    prefix = '/lib/systemd/system/' if host.distro.startswith('debian') else '/usr/lib/systemd/system/'
    return prefix + unit


def state(host, unit):
    """(active state, since epoch)."""
    try:
        with open(host.state_path('units/' + unit)) as f:
            st, _, since = f.read().strip().partition(' ')
            return st, float(since or 0)
    except FileNotFoundError:
        return 'inactive', 0.0


def set_state(host, unit, st):
    os.makedirs(host.state_path('units'), exist_ok=True)
    with open(host.state_path('units/' + unit), 'w') as f:
        f.write('%s %.3f\n' % (st, time.time()))


def enabled(host, unit):
    kind = UNITS[unit][1]
    if kind == 'static':
        return 'static'
    return 'enabled' if os.path.lexists(WANTS + unit) else 'disabled'


def start(host, unit, at_boot=False):
    """Run the unit; True when it ends active. Early-boot messages carry no unit field
    (kernel-facts.md: journalctl -u does not find them, -t does)."""
    desc = UNITS[unit][0]
    host.log('systemd', 'Starting %s - %s...' % (unit, desc), unit, pid=1)
    tag = '' if at_boot else unit
    if unit == 'systemd-modules-load.service':
        ok = boot_steps.systemd_modules_load(host, tag)
    elif unit == 'systemd-sysctl.service':
        ok = boot_steps.systemd_sysctl(host, tag)
    else:
        ok = True
        if unit == libvirt.UNIT:
            libvirt.daemon_start(host)
    set_state(host, unit, 'active' if ok else 'failed')
    if ok:
        host.log('systemd', ('Finished %s - %s.' if UNITS[unit][2] else 'Started %s - %s.') % (unit, desc), unit, pid=1)
        if unit == libvirt.UNIT:
            # Started first: libvirtd tells systemd it is up before its network autostart is done
            # (incident 3: "Started Virtualization daemon" while the iptables child hung).
            libvirt.autostart_networks(host)
    else:
        host.log('systemd', '%s: Main process exited, code=exited, status=1/FAILURE' % unit, unit, pid=1)
        host.log('systemd', '%s: Failed with result \'exit-code\'.' % unit, unit, pid=1)
        host.log('systemd', 'Failed to start %s - %s.' % (unit, desc), unit, pid=1)
    return ok


def stop(host, unit):
    was_active = state(host, unit)[0] == 'active'
    if was_active and not UNITS[unit][2]:
        host.log('systemd', 'Stopping %s - %s...' % (unit, UNITS[unit][0]), unit, pid=1)
    if unit == libvirt.UNIT:
        libvirt.daemon_stop(host)
    if was_active:
        if not UNITS[unit][2]:
            host.log('systemd', '%s: Deactivated successfully.' % unit, unit, pid=1)
        host.log('systemd', 'Stopped %s - %s.' % (unit, UNITS[unit][0]), unit, pid=1)
    set_state(host, unit, 'inactive')


def failed_units(host):
    return [u for u in UNITS if state(host, u)[0] == 'failed']
