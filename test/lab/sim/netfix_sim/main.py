"""Entry point: every simulated tool is this program under another name (argv[0])."""
import os
import sys


def _tool(name):
    """name -> (module, function). Imported lazily: each tool call is a fresh python3."""
    table = {
        'modprobe': ('modprobe_cli', 'modprobe'),
        'insmod': ('kmod_cli', 'insmod'),
        'rmmod': ('kmod_cli', 'rmmod'),
        'lsmod': ('kmod_cli', 'lsmod'),
        'depmod': ('kmod_cli', 'depmod'),
        'kmod': ('kmod_cli', 'kmod'),
        'modinfo': ('modinfo_cli', 'main'),
        'sysctl': ('sysctl_cli', 'main'),
        'systemctl': ('systemctl_cli', 'main'),
        'journalctl': ('journal_cli', 'main'),
        'service': ('service_cli', 'main'),
        'uname': ('uname_cli', 'main'),
        'virsh': ('virsh_cli', 'main'),
        'systemd-sysctl': ('boot_steps', 'systemd_sysctl_main'),
        'systemd-modules-load': ('boot_steps', 'systemd_modules_load_main'),
        'reboot': ('boot', 'command'),
        'shutdown': ('boot', 'command'),
        'halt': ('boot', 'command'),
        'poweroff': ('boot', 'command'),
    }
    return table.get(name)


def main():
    ready = os.environ.pop('NETFIX_SIM_READY_FD', None)
    if ready:
        # started by libvirt's blocked firewall child: show as the real command line, then let
        # the starter (who holds the host lock this tool will wait for) go on
        from .mounts import set_cmdline

        set_cmdline(sys.argv)
        os.close(int(ready))
    name = os.path.basename(sys.argv[0])
    entry = _tool(name)
    if entry is None:
        sys.stderr.write('netfix-sim: unknown tool %s\n' % name)
        sys.exit(127)
    from importlib import import_module

    from .host import Host

    module = import_module('netfix_sim.' + entry[0])
    host = Host()
    args = sys.argv[1:] if entry[0] != 'boot' else [name] + sys.argv[1:]
    try:
        code = getattr(module, entry[1])(host, args)
        sys.stdout.flush()
    except BrokenPipeError:
        # `lsmod | head -1`: the reader left; exit quietly like the C tools
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 0
    except KeyboardInterrupt:
        code = 130
    sys.exit(code or 0)
