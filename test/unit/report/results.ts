// Run results for the report tests: built in code from a few task shapes, so every case says
// what it holds. Names and values carry the characters each format must escape.
import type { HostResult, RunResult, TaskResult } from '../../../src/engine/index.js';

export function task(overrides: Partial<TaskResult> = {}): TaskResult {
  return {
    play: 'bridge',
    name: 'br_netfilter is loaded',
    module: 'kernel_module',
    handler: false,
    source: 'playbooks/bridge.yml:5:7',
    status: 'ok',
    changes: [],
    problems: [],
    durationMs: 12,
    ...overrides,
  };
}

export const fileChange = {
  summary: 'load br_netfilter at boot (/etc/modules-load.d/br_netfilter.conf)',
  file: {
    path: '/etc/modules-load.d/br_netfilter.conf',
    diff: '--- /dev/null\n+++ /etc/modules-load.d/br_netfilter.conf\n@@ -0,0 +1,1 @@\n+br_netfilter\n',
  },
};

export const runtimeChange = {
  summary: 'load module br_netfilter',
  runtime: { key: 'module br_netfilter', before: 'not loaded', after: 'loaded' },
};

export function host(name: string, overrides: Partial<HostResult> = {}): HostResult {
  return {
    name,
    address: `192.0.2.1:22`,
    status: 'ok',
    stats: { connects: 1, execs: 1, bytesSent: 100, bytesReceived: 200 },
    tasks: [task()],
    durationMs: 40,
    ...overrides,
  };
}

export function run(mode: RunResult['mode'], hosts: HostResult[]): RunResult {
  return {
    schemaVersion: 1,
    netfixVersion: '0.1.0',
    mode,
    startedAt: '2026-01-02T03:04:05.000Z',
    durationMs: 1234,
    interrupted: false,
    hosts,
  };
}

const pending = (mode: RunResult['mode']) => (mode === 'check' ? 'would_change' : 'changed');

/**
 * `count` hosts: most drifted the same way, every 10th also has its conntrack size off, one
 * failed with expected vs actual and remote output, one unreachable.
 */
export function fleet(mode: RunResult['mode'], count: number): RunResult {
  const hosts: HostResult[] = [];
  for (let index = 1; index <= count; index++) {
    const name = `hv${String(index).padStart(3, '0')}`;
    if (index === count) {
      hosts.push(
        host(name, {
          status: 'unreachable',
          error: 'connect ECONNREFUSED 192.0.2.9:22',
          tasks: [
            task({
              status: 'skipped',
              problems: [{ severity: 'warning', message: 'skipped: host unreachable' }],
            }),
          ],
        }),
      );
      continue;
    }
    if (index === count - 1) {
      hosts.push(
        host(name, {
          status: 'failed',
          error: 'task "bridged traffic bypasses <iptables>" failed',
          tasks: [
            task({ status: pending(mode), changes: [runtimeChange] }),
            task({
              name: 'bridged traffic bypasses <iptables>',
              module: 'sysctl',
              source: 'playbooks/bridge.yml:9:7',
              status: 'failed',
              problems: [
                {
                  severity: 'error',
                  message: 'net.bridge.bridge-nf-call-iptables did not take the value',
                  expected: '0',
                  actual: '1 | "one" & <b>',
                },
              ],
              output:
                'sh: 1: cannot create /proc/sys/net/bridge/bridge-nf-call-iptables: Permission denied\n\u001b[0m',
            }),
          ],
        }),
      );
      continue;
    }
    const tasks = [task({ status: pending(mode), changes: [runtimeChange, fileChange] })];
    if (index % 10 === 0)
      tasks.push(
        task({
          name: 'conntrack | hashsize',
          source: 'playbooks/conntrack.yml:4:7',
          status: pending(mode),
          changes: [
            {
              summary: 'set options nf_conntrack hashsize=16384',
              file: {
                path: '/etc/modprobe.d/nf_conntrack.conf',
                diff: '--- /etc/modprobe.d/nf_conntrack.conf\n+++ /etc/modprobe.d/nf_conntrack.conf\n@@ -1 +1 @@\n-options nf_conntrack hashsize=8192\n+options nf_conntrack hashsize=16384\n',
              },
            },
          ],
          problems: [
            {
              severity: 'warning',
              message: 'expect_hashsize is read-only at runtime',
              expected: '2048',
              actual: '1024',
            },
          ],
        }),
      );
    hosts.push(host(name, { status: 'changed', tasks }));
  }
  return run(mode, hosts);
}
