"""Ending a lab: every process in its mount namespaces, then its directory. Used by the daemon
when its controller goes, and by `labd.py reap` for a lab whose daemon died too."""
import os
import signal
import time

from .processes import reap_children, starttime

def lab_processes(labdir, extra_ns=()):
    """Pids in mount namespaces that are this lab's: namespaces whose mounts name LABDIR (an
    inode number alone could have been reused by someone else's namespace), or that the daemon
    holds. The daemon's own namespace (the machine's) is never one of them."""
    marker = labdir.rstrip('/') + '/'
    mine = os.stat('/proc/self/ns/mnt').st_ino
    groups = {}
    for p in os.listdir('/proc'):
        if p.isdigit():
            try:
                ino = os.stat('/proc/%s/ns/mnt' % p).st_ino
            except OSError:
                continue
            if ino != mine:
                groups.setdefault(ino, []).append(int(p))
    victims = []
    for ino, pids in groups.items():
        if ino in extra_ns or _mounts_mention(pids, marker):
            victims += pids
    return [p for p in victims if p != os.getpid()]


def _mounts_mention(pids, marker):
    for pid in pids:
        try:
            with open('/proc/%d/mountinfo' % pid) as f:
                return marker in f.read()
        except OSError:
            continue
    return False


def kill_all(find, rounds=200):
    for i in range(rounds):
        victims = find()
        if not victims:
            return True
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.01 * min(i + 1, 10))
        reap_children()
    return not find()


def remove_tree(labdir):
    import shutil

    for _ in range(20):
        shutil.rmtree(labdir, ignore_errors=True)
        if not os.path.exists(labdir):
            return
        time.sleep(0.1)


def reap(labdir):
    """For a lab whose controller and daemon died: end the daemon if still there, then
    everything in the lab's namespaces, then remove the directory."""
    try:
        with open(labdir + '/daemon.pid') as f:
            pid, st = f.read().split()
        pid = int(pid)
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            ours = labdir.encode() in f.read()
        if ours and starttime(pid) == st:
            os.kill(pid, signal.SIGKILL)
    except (OSError, ValueError):
        pass
    kill_all(lambda: lab_processes(labdir))
    remove_tree(labdir)


def processes_in(inodes):
    """Pids whose mount namespace is one of these (namespaces the daemon holds, so the inode
    numbers cannot have been reused)."""
    out = []
    for p in os.listdir('/proc'):
        if p.isdigit():
            try:
                if os.stat('/proc/%s/ns/mnt' % p).st_ino in inodes:
                    out.append(int(p))
            except OSError:
                continue
    return out
