import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { ScheduleSpec } from './spec.js';

// `schedule export --kubernetes`: a ConfigMap with the schedule, its inventories and playbooks,
// and a CronJob whose Indexed Job runs N pods, each `schedule run --shard $(JOB_COMPLETION_INDEX)/N`
// writing to the shared PostgreSQL history. Typed with kubernetes-models' interfaces, so a
// misspelt field fails the build; the test validates the result against the API schema.

export const CONFIG_DIR = '/etc/netfix/config';
export const SSH_DIR = '/etc/netfix/ssh';

export interface KubernetesExport {
  image: string;
  shards: number;
  namespace?: string | undefined;
  /** Secret with key `url`: the postgres:// history URL. */
  historySecret: string;
  /** Secret with the SSH private key (key `ssh-privatekey`, as type kubernetes.io/ssh-auth). */
  sshSecret: string;
  /** Contents of the schedule's files, by their path in the schedule. */
  files: ReadonlyMap<string, string>;
}

const dns = (name: string) => `netfix-${name.toLowerCase().replace(/_/g, '-')}`;

export function kubernetesManifests(spec: ScheduleSpec, options: KubernetesExport): [IConfigMap, ICronJob] {
  const name = dns(spec.name);
  const data: Record<string, string> = {};
  const inPod = (key: string, path: string) => {
    const content = options.files.get(path);
    if (content === undefined) throw new Error(`no content for ${path}`);
    data[key] = content;
    return `${CONFIG_DIR}/${key}`;
  };
  const podSpec: ScheduleSpec = {
    ...spec,
    inventories: spec.inventories.map((path, index) => inPod(`inventory-${index}.yml`, path)),
    playbooks: spec.playbooks.map((path, index) => inPod(`playbook-${index}.yml`, path)),
    connection: {
      ...spec.connection,
      knownHosts: spec.connection.knownHosts ? inPod('known_hosts', spec.connection.knownHosts) : undefined,
    },
    // The URL (and its password) comes from the Secret, never from the ConfigMap.
    history: undefined,
    noHistory: false,
    shard: undefined,
    installed: { backend: 'kubernetes' },
  };
  data['schedule.json'] = `${JSON.stringify(podSpec, null, 2)}\n`;
  const labels = { 'app.kubernetes.io/name': 'netfix', 'netfix.dev/schedule': spec.name };
  const metadata = { name, labels, ...(options.namespace ? { namespace: options.namespace } : {}) };
  const configMap: IConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata, data };
  const cronJob: ICronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata,
    spec: {
      schedule: spec.cron,
      // The overlap rule of the issue, done by Kubernetes: a run never starts while one runs.
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels },
        spec: {
          completionMode: 'Indexed',
          completions: options.shards,
          parallelism: options.shards,
          // A failed shard waits for the next schedule rather than re-running changes.
          backoffLimit: 0,
          ...(spec.maxRuntimeSec ? { activeDeadlineSeconds: spec.maxRuntimeSec } : {}),
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: 'Never',
              volumes: [
                { name: 'config', configMap: { name } },
                { name: 'ssh', secret: { secretName: options.sshSecret, defaultMode: 0o400 } },
              ],
              containers: [
                {
                  name: 'netfix',
                  image: options.image,
                  command: ['netfix'],
                  args: [
                    'schedule',
                    'run',
                    spec.name,
                    '--spec',
                    `${CONFIG_DIR}/schedule.json`,
                    '--state-dir',
                    '/tmp/netfix',
                    '--shard',
                    `$(JOB_COMPLETION_INDEX)/${options.shards}`,
                  ],
                  env: [
                    {
                      // Declared, not only injected, so that $(JOB_COMPLETION_INDEX) in args expands.
                      name: 'JOB_COMPLETION_INDEX',
                      valueFrom: {
                        fieldRef: {
                          fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']",
                        },
                      },
                    },
                    {
                      name: 'NETFIX_HISTORY_URL',
                      valueFrom: { secretKeyRef: { name: options.historySecret, key: 'url' } },
                    },
                  ],
                  volumeMounts: [
                    { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                    { name: 'ssh', mountPath: SSH_DIR, readOnly: true },
                  ],
                },
              ],
            },
          },
        },
      },
    },
  };
  return [configMap, cronJob];
}
