import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { parseAllDocuments, stringify } from 'yaml';
import { type ScheduleSpec, scheduleSpecSchema } from '../../../src/schedule/index.js';
import { kubernetesManifests } from '../../../src/schedule/kubernetes.js';

const spec: ScheduleSpec = {
  version: 1,
  name: 'fleet_nightly',
  inventories: ['/srv/netfix/inventory.yml'],
  playbooks: ['/srv/netfix/bridge-netfilter.yml', '/srv/netfix/nf-conntrack.yml'],
  extraVars: ['conntrack_hashsize=65536'],
  cron: '30 2 * * *',
  checkOnly: false,
  maxRuntimeSec: 2700,
  jitterSec: 0,
  history: 'postgres://netfix:secret@db/netfix',
  noHistory: false,
  connection: {
    knownHosts: '/srv/netfix/known_hosts',
    acceptNewHostKeys: false,
    timeoutSec: 60,
    connectTimeoutSec: 10,
  },
  installed: { backend: 'cron' },
  createdAt: '2030-01-01T00:00:00.000Z',
};

const files = new Map([
  ['/srv/netfix/inventory.yml', 'all: {hosts: {hv1: {}}}\n'],
  ['/srv/netfix/bridge-netfilter.yml', '- hosts: all\n'],
  ['/srv/netfix/nf-conntrack.yml', '- hosts: all\n'],
  ['/srv/netfix/known_hosts', 'hv1 ssh-ed25519 AAAA\n'],
]);

describe('schedule export --kubernetes', () => {
  const [configMap, cronJob] = kubernetesManifests(spec, {
    image: 'registry.example/netfix:0.1.0',
    shards: 4,
    historySecret: 'netfix-history',
    sshSecret: 'netfix-ssh',
    files,
  });
  // What `kubectl apply` would read: the printed YAML, parsed back.
  const documents = parseAllDocuments(`${stringify(configMap)}---\n${stringify(cronJob)}`).map((d) =>
    d.toJS(),
  );

  it('is a valid ConfigMap and batch/v1 CronJob by the Kubernetes API schema', () => {
    assert.doesNotThrow(() => new ConfigMap(documents[0]).validate());
    assert.doesNotThrow(() => new CronJob(documents[1]).validate());
    // The validator is not a rubber stamp: a wrong type is refused.
    const broken = structuredClone(documents[1]);
    broken.spec.jobTemplate.spec.completions = 'four';
    assert.throws(() => new CronJob(broken).validate());
  });

  it('runs an Indexed Job of N pods, each taking its shard from JOB_COMPLETION_INDEX, never overlapping', () => {
    const job = cronJob.spec!.jobTemplate.spec!;
    assert.equal(cronJob.spec!.schedule, '30 2 * * *');
    assert.equal(cronJob.spec!.concurrencyPolicy, 'Forbid');
    assert.deepEqual([job.completionMode, job.completions, job.parallelism], ['Indexed', 4, 4]);
    assert.equal(job.activeDeadlineSeconds, 2700);
    const container = job.template.spec!.containers[0]!;
    assert.deepEqual(container.args!.slice(-2), ['--shard', '$(JOB_COMPLETION_INDEX)/4']);
    const env = Object.fromEntries(container.env!.map((e) => [e.name, e.valueFrom]));
    assert.equal(
      env.JOB_COMPLETION_INDEX?.fieldRef?.fieldPath,
      "metadata.annotations['batch.kubernetes.io/job-completion-index']",
    );
    assert.deepEqual(env.NETFIX_HISTORY_URL?.secretKeyRef, { name: 'netfix-history', key: 'url' });
  });

  it('ships the schedule with in-pod paths, and never the history password', () => {
    const data = configMap.data!;
    assert.deepEqual(Object.keys(data).sort(), [
      'inventory-0.yml',
      'known_hosts',
      'playbook-0.yml',
      'playbook-1.yml',
      'schedule.json',
    ]);
    assert.doesNotMatch(JSON.stringify(documents), /secret@db/);
    const inPod = scheduleSpecSchema.parse(JSON.parse(data['schedule.json']!));
    assert.deepEqual(inPod.playbooks, [
      '/etc/netfix/config/playbook-0.yml',
      '/etc/netfix/config/playbook-1.yml',
    ]);
    assert.equal(inPod.connection.knownHosts, '/etc/netfix/config/known_hosts');
    assert.equal(inPod.history, undefined);
    assert.equal(data['playbook-1.yml'], '- hosts: all\n');
    assert.equal(configMap.metadata!.name, 'netfix-fleet-nightly');
  });
});
