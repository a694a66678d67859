"""The lab daemon: builds the lab's hosts, keeps their namespaces, and takes everything down.

    python3 -S labd.py serve LABDIR   spec on stdin (one JSON line), events and replies on stdout
    python3 -S labd.py reap LABDIR    end whatever a dead lab left running, remove LABDIR

One process forks every host (fork is cheap from here, exec of a helper per host is not): the
child unshares a mount and UTS namespace, mounts the host's private trees and execs sshd. The
daemon holds a descriptor on each host's namespaces, so a host whose sshd is stopped keeps its
state and can still be entered. It is the child subreaper of everything in the lab, and when its
controller goes away (stdin reaches EOF, however the controller died) it kills every process in
the lab's namespaces and removes LABDIR.
"""
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from labd_parts import processes as proc  # noqa: E402
from labd_parts.layers import build_layers  # noqa: E402
from labd_parts.teardown import kill_all, lab_processes, processes_in, reap, remove_tree  # noqa: E402
from netfix_sim import hostinit, mounts  # noqa: E402


class Lab:
    def __init__(self, labdir, spec):
        self.labdir = labdir
        self.spec = spec
        self.hosts = {h['name']: h for h in spec['hosts']}
        self.pids = {}
        self.ns = {}  # name -> (mnt fd, uts fd)
        self.distro = {}
        self.phases = {}  # seconds since start() at each step, kept in state.json for benchmarks
        self.sshd_argv = [spec['sshd'], '-D', '-f', labdir + '/sshd_config'] + spec.get('sshdArgs', [])

    def start(self):
        import compileall

        # Every tool call in a host is a fresh python3: give them compiled modules from the start.
        t = time.monotonic()
        compileall.compile_dir(os.path.join(self.labdir, 'sim', 'netfix_sim'), quiet=1)
        build_layers(self.labdir)
        for h in self.spec['hosts']:
            self.distro[h['name']] = hostinit.create(h['dir'], h['name'], h['kernel'], h['init'])
        self.phases['trees'] = time.monotonic() - t
        children = []
        for h in self.spec['hosts']:
            pid, r = proc.spawn(proc.new_host, h, self.labdir, self.sshd_argv)
            self.pids[h['name']] = pid
            children.append((h, pid, r))
        self.phases['forked'] = time.monotonic() - t
        errors = []
        for h, pid, r in children:
            problem = proc.collect(r)
            if problem:
                errors.append(problem)
                continue
            try:
                self.ns[h['name']] = (os.open('/proc/%d/ns/mnt' % pid, os.O_RDONLY),
                                      os.open('/proc/%d/ns/uts' % pid, os.O_RDONLY))
            except FileNotFoundError:
                errors.append('%s: sshd exited at once: %s' % (h['name'], proc.tail(h['dir'] + '/sshd.log')))
        if errors:
            raise RuntimeError('; '.join(errors[:5]))
        self.phases['execed'] = time.monotonic() - t
        proc.wait_listening(self.spec['hosts'], self.pids, 20 + len(self.hosts) // 20)
        self.phases['listening'] = time.monotonic() - t

    def ns_inodes(self, names=None):
        return {os.fstat(self.ns[n][0]).st_ino for n in (names or self.ns)}

    def stop_host(self, name):
        """The host goes down: every process in it ends; its namespace (held here) stays."""
        inodes = self.ns_inodes([name])
        kill_all(lambda: processes_in(inodes))

    def start_host(self, name):
        h = self.hosts[name]
        pid = self.pids.get(name)
        if pid and pid not in proc.exited and proc.alive(pid):
            return
        mnt, uts = self.ns[name]
        pid, r = proc.spawn(proc.back_into_host, h, self.sshd_argv, mnt, uts)
        problem = proc.collect(r)
        if problem:
            raise RuntimeError(problem)
        self.pids[name] = pid
        proc.wait_listening([h], self.pids, 20)

    def teardown(self):
        inodes = self.ns_inodes() if self.ns else set()
        kill_all(lambda: lab_processes(self.labdir, inodes))
        for fds in self.ns.values():
            for fd in fds:
                os.close(fd)
        self.ns = {}
        remove_tree(self.labdir)


def reply(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def serve(labdir):
    mounts.prctl(mounts.PR_SET_CHILD_SUBREAPER, 1)
    # Ctrl-C reaches the whole foreground group; the controller decides when the lab ends, and
    # SIGTERM ends it through the same teardown as EOF.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with open(labdir + '/daemon.pid', 'w') as f:
        f.write('%d %s\n' % (os.getpid(), proc.starttime(os.getpid())))
    lab = None
    try:
        spec = json.loads(sys.stdin.readline() or 'null')
        if spec is None:
            return
        lab = Lab(labdir, spec)
        t0 = time.monotonic()
        lab.start()
        signal.signal(signal.SIGCHLD, proc.reap_children)
        state = {n: {'pid': lab.pids[n], 'mntNs': lab.ns_inodes([n]).pop(), 'nsFds': list(lab.ns[n]),
                     'distro': lab.distro[n]} for n in lab.ns}
        with open(labdir + '/state.json', 'w') as f:
            json.dump({'daemonPid': os.getpid(), 'hosts': state, 'phases': lab.phases}, f)
        reply({'event': 'ready', 'hosts': state, 'seconds': round(time.monotonic() - t0, 3)})
        for line in sys.stdin:
            if not line.strip():
                continue
            req = json.loads(line)
            try:
                if req['op'] == 'stop-host':
                    lab.stop_host(req['name'])
                elif req['op'] == 'start-host':
                    lab.start_host(req['name'])
                reply({'id': req.get('id'), 'ok': True, 'pid': lab.pids.get(req['name'])})
            except Exception as e:  # noqa: BLE001 - a failed op is an answer, not the end of the lab
                reply({'id': req.get('id'), 'ok': False, 'error': str(e)})
    except Exception as e:  # noqa: BLE001
        reply({'event': 'error', 'message': str(e)})
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        if lab is not None:
            lab.teardown()
        else:
            remove_tree(labdir)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ('serve', 'reap'):
        sys.stderr.write(__doc__)
        sys.exit(2)
    labdir = os.path.abspath(sys.argv[2])
    if sys.argv[1] == 'reap':
        reap(labdir)
    else:
        serve(labdir)


if __name__ == '__main__':
    main()
