"""modprobe, with kmod 30's options, messages and exit codes (kmod 20's version string on the
legacy profile)."""
import os
import sys
import time

from . import catalog, modconf
from .host import err
from .kernel import Kernel, KmodError
from .probe import Hang, InstallFailed, Loader, run_command

_FLAGS = {
    'a': 'all', 'r': 'remove', 'n': 'dry_run', 'v': 'verbose', 'q': 'quiet', 'c': 'showconfig',
    'D': 'show_depends', 'b': 'use_blacklist', 'i': 'ignore_install', 'f': 'force', 's': 'syslog',
    'V': 'version', 'h': 'help',
}
_LONG = {
    '--all': 'all', '--remove': 'remove', '--dry-run': 'dry_run', '--show': 'dry_run', '--verbose': 'verbose',
    '--quiet': 'quiet', '--showconfig': 'showconfig', '--show-config': 'showconfig',
    '--show-depends': 'show_depends', '--use-blacklist': 'use_blacklist', '--ignore-install': 'ignore_install',
    '--first-time': 'first_time', '--force': 'force', '--force-vermagic': 'force', '--force-modversion': 'force',
    '--syslog': 'syslog', '--version': 'version', '--help': 'help', '--remove-dependencies': 'remove',
}


def _parse(argv):
    opts, args, it = set(), [], iter(argv)
    for a in it:
        if args and not ('remove' in opts or 'all' in opts):
            args.append(a)  # modprobe NAME [param=value ...]: the rest are parameters
        elif a == '--':
            args.extend(it)
        elif a.startswith('--'):
            key = a.split('=', 1)[0]
            if key in ('--config', '--dirname', '--set-version', '--wait'):
                if '=' not in a:
                    next(it, None)
            elif key in _LONG:
                opts.add(_LONG[key])
            else:
                raise ValueError("unrecognized option '%s'" % a)
        elif a.startswith('-') and len(a) > 1:
            for ch in a[1:]:
                if ch in ('C', 'd', 'S', 'w'):
                    next(it, None)
                    break
                if ch not in _FLAGS:
                    raise ValueError("invalid option -- '%s'" % ch)
                opts.add(_FLAGS[ch])
        else:
            args.append(a)
    return opts, args


def wait_while_hanging(host, attempt):
    """A load that cannot finish waits here, as modprobe sat in D state in incident 3: it
    finishes by itself once the cause is gone (the blacklist line removed, the fault knob off).
    With the fault knob on, this process becomes a real modprobe in D state (_stay_in_d_state)
    and the waiting goes on in a child."""
    from . import boot, mounts

    mounts.set_comm('modprobe')
    mounts.set_cmdline(sys.argv)  # `/sbin/modprobe -q -- iptable_nat`, not python3 -S ...
    booted = boot.boot_id(host)
    # Only the knob: the legacy blacklist hang stays asleep in S. With no PID namespace, every
    # host (and every lab) on the machine sees a D process in /proc, and each legacy host's
    # libvirt check would report every other host's stuck loader as its own.
    if host.flag('hang-modprobe'):
        _stay_in_d_state()
    while True:
        time.sleep(0.25)
        if boot.boot_id(host) != booted:
            sys.exit(143)  # the host rebooted under us: a real reboot would have ended this process
        if host.flag('hang-modprobe'):
            continue
        lock = host.lock()
        try:
            return attempt()
        except Hang:
            pass
        finally:
            host.unlock(lock)


def _stay_in_d_state():
    """Fork the waiter, which returns and goes on (polling, then loading), and exec the lab's
    C modprobe (sim/d-state/modprobe.c) in this process: what ps and /proc show for this pid is
    then a modprobe in uninterruptible sleep with a real kernel stack, until the waiter exits
    (with it: its exit status is the modprobe's) or someone kills it (the waiter goes too)."""
    import signal

    from . import mounts

    helper = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'd-state', 'modprobe')
    if not os.access(helper, os.X_OK):
        return  # a lab dir made without it: wait asleep, in S, as before
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    done_r, done_w = os.pipe()  # not inherited by what the waiter execs: only the waiter holds done_w
    if os.fork() == 0:
        os.close(done_r)
        mounts.prctl(mounts.PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:
            os._exit(137)
        os.setpgid(0, 0)  # like the vfork child: netfix's scan of the command's group sees the modprobe only
        mounts.set_comm('netfix-sim-wait')
        mounts.set_cmdline(['netfix-sim-wait'] + sys.argv)
        return  # done_w stays open until this process exits: that ends the D state
    os.close(done_w)
    os.set_inheritable(done_r, True)
    env = dict(os.environ, NETFIX_SIM_DONE_FD=str(done_r))
    try:
        os.execve(helper, sys.argv, env)
    except OSError as e:
        err('modprobe', 'netfix-sim: cannot exec %s: %s' % (helper, e))
        os._exit(127)


def modprobe(host, argv):
    try:
        opts, args = _parse(argv)
    except ValueError as e:
        err('modprobe', str(e))
        return 1
    if 'version' in opts:
        sys.stdout.write('kmod version %s\n' % ('30' if host.kernel == 'modern' else '20'))
        return 0
    cfg = modconf.load()
    loader = Loader(Kernel(host), cfg)
    if 'showconfig' in opts:
        sys.stdout.write(modconf.show(cfg, loader.cat, catalog.BUILTIN))
        return 0
    if not args:
        err('modprobe', 'ERROR: missing parameters. See -h.')
        return 1
    if 'remove' in opts:
        return _remove_all(host, loader, args, opts)
    names, params = (args, []) if 'all' in opts else (args[:1], args[1:])
    inspect_only = 'dry_run' in opts or 'show_depends' in opts
    if not inspect_only and host.flag('hang-modprobe'):
        wait_while_hanging(host, lambda: None)
    rc = 0
    for name in names:
        lock = None if inspect_only else host.lock()
        try:
            rc = _probe(loader, name, params, opts) or rc
        except Hang:
            host.unlock(lock)
            lock = None
            # each retry reads modprobe.d again: removing the blacklist line is what unblocks it
            retry = lambda n=name: _probe(Loader(Kernel(host), modconf.load()), n, params, opts)  # noqa: E731
            rc = wait_while_hanging(host, retry) or rc
        finally:
            host.unlock(lock)
    return rc


def _probe(loader, name, params, opts):
    k, cfg = loader.k, loader.cfg
    quiet = 'quiet' in opts
    kind, mods, via_alias = loader.resolve(name)
    if kind is None:
        if not quiet:
            err('modprobe', 'FATAL: Module %s not found in directory /lib/modules/%s' % (name, k.host.release))
        return 1
    if kind == 'builtin':
        if 'show_depends' in opts:
            sys.stdout.write('builtin %s\n' % mods[0])
        return 0
    report = None
    if 'verbose' in opts or 'show_depends' in opts:
        report = lambda line: sys.stdout.write(line + '\n')  # noqa: E731
    if kind == 'install':
        cmd = cfg.install[mods[0]]
        if report:
            report('install %s %s' % (cmd, ' '.join(params)))
        if 'dry_run' in opts or 'show_depends' in opts:
            return 0
        return _install_failed(name, mods[0], cmd, run_command(cmd, mods[0], params), quiet)
    for m in mods:
        if (via_alias or 'use_blacklist' in opts) and cfg.is_blacklisted(m):
            continue  # kmod filters blacklisted modules found through an alias; exit 0
        if 'first_time' in opts and k.state(m) == 'live':
            if not quiet:
                err('modprobe', "ERROR: could not insert '%s': Module already in kernel" % m)
            return 1
        try:
            inspect = 'dry_run' in opts or 'show_depends' in opts
            loader.load(m, params, ignore_install='ignore_install' in opts, report=report, dry_run=inspect,
                        show_all='show_depends' in opts)
        except InstallFailed as e:
            return _install_failed(m, e.module, e.command, e.code, quiet)
        except KmodError as e:
            if not quiet:
                err('modprobe', "ERROR: could not insert '%s': %s" % (m, e))
            return 1
    return 0


def _install_failed(target, module, command, code, quiet):
    if code == 0:
        return 0
    if not quiet:
        err('modprobe', "ERROR: ../libkmod/libkmod-module.c:1052 command_do() Error running install command '%s' "
            'for module %s: retcode %d' % (command, module, code))
        err('modprobe', "ERROR: could not insert '%s': Invalid argument" % target)
    return 1


def _remove_all(host, loader, args, opts):
    lock = host.lock()
    try:
        rc = 0
        for name in args:
            rc = _remove(loader, name, opts) or rc
        return rc
    finally:
        host.unlock(lock)


def _remove(loader, name, opts):
    k, cfg = loader.k, loader.cfg
    quiet = 'quiet' in opts
    kind, mods, _ = loader.resolve(name)
    if kind is None:
        if not quiet:
            err('modprobe', 'FATAL: Module %s not found.' % name)
        return 1
    if kind == 'builtin':
        if not quiet:
            err('modprobe', 'FATAL: Module %s is builtin.' % mods[0])
        return 1
    for m in mods:
        st = k.state(m)
        if st is None:
            if 'first_time' in opts:
                if not quiet:
                    err('modprobe', 'FATAL: Module %s is not in kernel.' % m)
                return 1
            continue
        cmd = None if 'ignore_install' in opts else cfg.remove.get(m)
        if 'dry_run' in opts:
            if 'verbose' in opts:
                sys.stdout.write(('remove %s\n' % cmd) if cmd else 'rmmod %s\n' % m)
            continue
        if cmd is not None:
            if run_command(cmd, m, []) != 0:
                if not quiet:
                    err('modprobe', "FATAL: Error running remove command for %s" % m)
                return 1
            continue
        if 'verbose' in opts:
            sys.stdout.write('rmmod %s\n' % m)
        try:
            k.remove(m)
        except KmodError as e:
            if not quiet:
                why = {'in use': 'FATAL: Module %s is in use.', 'builtin': 'FATAL: Module %s is builtin.'}
                err('modprobe', why[str(e)] % m if str(e) in why else "ERROR: could not remove '%s': %s" % (m, e))
            return 1
        # then the dependencies nobody else uses any more, quietly
        for dep in reversed(loader.probe_list(m)[:-1]):
            if k.state(dep) == 'live' and not k.holders(dep) and k.refcnt(dep) == 0:
                if 'verbose' in opts:
                    sys.stdout.write('rmmod %s\n' % dep)
                try:
                    k.remove(dep)
                except KmodError:
                    pass
    return 0
