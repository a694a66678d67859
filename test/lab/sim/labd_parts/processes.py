"""Starting a host's process (namespaces, mounts, sshd), knowing when it listens, and the
bookkeeping of the daemon's children."""
import os
import signal
import time

from netfix_sim import mounts

exited = {}  # pid -> wait status, for every child reaped


def reap_children(*_):
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        exited[pid] = status


def starttime(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def _as_daemon_child():
    """Undo what the daemon's Python set up: its signal dispositions (SIG_IGN survives exec) and
    its session (Ctrl-C on the controller's terminal must not reach the hosts)."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE, signal.SIGCHLD, signal.SIGXFSZ):
        signal.signal(sig, signal.SIG_DFL)
    os.setsid()


def _mount_host(h, layer):
    hd = h['dir']
    mounts.mount(None, '/', None, mounts.MS_REC | mounts.MS_PRIVATE)
    for top in ('etc', 'var'):  # private copy-on-write views: what a host writes stays in it
        options = 'lowerdir=/%s,upperdir=%s/%s,workdir=%s/%s-work' % (top, hd, top, hd, top)
        mounts.mount('overlay', '/' + top, 'overlay', 0, options)
    for target, part in (('/usr/sbin', 'sbin'), ('/usr/bin', 'bin'), ('/usr/lib/systemd', 'libsystemd')):
        mounts.mount('overlay', target, 'overlay', 0, 'lowerdir=%s/%s:%s' % (layer, part, target))
    for source, target in (('run', '/run'), ('root', '/root'), ('sys-module', '/sys/module'),
                           ('sys-class-net', '/sys/class/net'), ('proc-sys-net', '/proc/sys/net')):
        mounts.bind(hd + '/' + source, target)


def new_host(h, labdir, sshd_argv, errfd):
    """In a forked child: become the host (new mount and UTS namespaces), then exec sshd."""
    try:
        _as_daemon_child()
        mounts.unshare(mounts.CLONE_NEWNS | mounts.CLONE_NEWUTS)
        mounts.sethostname(h['name'])
        _mount_host(h, '%s/layers/%s' % (labdir, 'systemd' if h['init'] == 'systemd' else 'sysv'))
        exec_sshd(h, sshd_argv)
    except BaseException as e:  # noqa: BLE001 - anything: report it to the daemon and die
        os.write(errfd, ('%s: %s' % (h['name'], e)).encode())
    os._exit(127)


def back_into_host(h, sshd_argv, mnt_fd, uts_fd, errfd):
    """In a forked child: enter a stopped host's namespaces (kept by the daemon), exec sshd."""
    try:
        _as_daemon_child()
        mounts.setns(mnt_fd, mounts.CLONE_NEWNS)
        mounts.setns(uts_fd, mounts.CLONE_NEWUTS)
        os.chdir('/')
        exec_sshd(h, sshd_argv)
    except BaseException as e:  # noqa: BLE001
        os.write(errfd, ('%s: %s' % (h['name'], e)).encode())
    os._exit(127)


def exec_sshd(h, sshd_argv):
    null = os.open('/dev/null', os.O_RDWR)
    log = os.open(h['dir'] + '/sshd.log', os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    argv = sshd_argv + ['-h', h['dir'] + '/ssh_host_ed25519_key',
                        '-o', 'ListenAddress=%s:%d' % (h['address'], h['port']),
                        '-E', h['dir'] + '/sshd.log']
    os.execv(argv[0], argv)


def spawn(fn, *args):
    """fork; the child runs fn(..., errfd). Returns (pid, read end that reaches EOF at exec)."""
    r, w = os.pipe()  # both O_CLOEXEC: exec closes w, which the parent sees as EOF
    pid = os.fork()
    if pid == 0:
        os.close(r)
        fn(*args, w)
    os.close(w)
    return pid, r


def collect(r):
    """What the child reported before exec (nothing when exec succeeded)."""
    chunks = []
    while True:
        data = os.read(r, 4096)
        if not data:
            break
        chunks.append(data)
    os.close(r)
    return b''.join(chunks).decode(errors='replace')


def listen_key(address, port):
    a = [int(x) for x in address.split('.')]
    return '%02X%02X%02X%02X:%04X' % (a[3], a[2], a[1], a[0], port)


def listening():
    keys = set()
    with open('/proc/net/tcp') as f:
        next(f)
        for line in f:
            parts = line.split(None, 4)
            if parts[3] == '0A':
                keys.add(parts[1])
    return keys


def wait_listening(hosts, pids, timeout):
    """Until every sshd listens; an sshd that exits first is an error (its log says why)."""
    want = {listen_key(h['address'], h['port']): h for h in hosts}
    deadline = time.monotonic() + timeout
    while want:
        for key in listening() & set(want):
            del want[key]
        reap_children()
        for key, h in list(want.items()):
            if pids[h['name']] in exited:
                raise RuntimeError('%s: sshd exited before listening: %s' % (h['name'], tail(h['dir'] + '/sshd.log')))
        if not want:
            break
        if time.monotonic() > deadline:
            late = ', '.join(h['name'] for h in want.values())
            raise RuntimeError('sshd not listening after %ds on %s' % (timeout, late))
        time.sleep(0.02)


def tail(path, n=600):
    try:
        with open(path, 'rb') as f:
            return f.read()[-n:].decode(errors='replace').strip()
    except OSError:
        return '(no log)'
