import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  crontabLine,
  parseShard,
  renderUnits,
  type ScheduleSpec,
  selectShard,
  shardOf,
  systemdQuote,
  withCrontabLine,
  withoutCrontabLine,
} from '../../../src/schedule/index.js';

const hosts = Array.from({ length: 1000 }, (_, i) => `hv${String(i).padStart(4, '0')}.dc1`);

describe('shards', () => {
  it('split the hosts into N disjoint parts that cover them all, about evenly', () => {
    const parts = [0, 1, 2, 3].map((index) => selectShard(hosts, { index, count: 4 }));
    assert.deepEqual(parts.flat().sort(), [...hosts].sort());
    for (const part of parts) assert.ok(part.length > 200 && part.length < 300, `${part.length}`);
  });

  it('keep a host in its shard whatever else is in the inventory', () => {
    const alone = selectShard(['hv0042.dc1'], { index: shardOf('hv0042.dc1', 4), count: 4 });
    assert.deepEqual(alone, ['hv0042.dc1']);
    assert.equal(shardOf('hv0042.dc1', 4), shardOf('hv0042.dc1', 4));
    assert.deepEqual(selectShard([{ name: 'a' }], { index: shardOf('a', 3), count: 3 }), [{ name: 'a' }]);
  });

  it('parse K/N counting from 0', () => {
    assert.deepEqual(parseShard('0/4'), { index: 0, count: 4 });
    assert.deepEqual(parseShard('3/4'), { index: 3, count: 4 });
    assert.match((parseShard('4/4') as { error: string }).error, /K must be below N/);
    assert.match((parseShard('1-4') as { error: string }).error, /expected K\/N/);
    assert.match((parseShard('0/0') as { error: string }).error, /N must be between/);
  });
});

describe('crontab lines', () => {
  const line = crontabLine(
    '0 * * * *',
    ['/usr/bin/node', '/opt/net fix/bin/netfix.js', 'schedule', 'run', 'n1', '--x', '50%'],
    '/var/log/n1.log',
    'n1',
  );

  it('quote every word and escape % (a newline to cron)', () => {
    assert.equal(
      line,
      "0 * * * * /usr/bin/node '/opt/net fix/bin/netfix.js' schedule run n1 --x 50\\% >> /var/log/n1.log 2>&1 # netfix-schedule:n1",
    );
  });

  it('replace their own line and leave every other line alone', () => {
    const existing = 'MAILTO=ops\n15 3 * * * /usr/bin/backup\n';
    const added = withCrontabLine(existing, 'n1', line);
    assert.equal(added, `${existing}${line}\n`);
    assert.equal(withCrontabLine(added, 'n1', line), added);
    assert.equal(withCrontabLine(added, 'n10', line.replace('n1', 'n10')).split('\n').length, 5);
    assert.deepEqual(withoutCrontabLine(added, 'n1'), { crontab: existing, removed: true });
    assert.deepEqual(withoutCrontabLine(existing, 'n1'), { crontab: existing, removed: false });
  });
});

describe('systemd units', () => {
  it('quote Exec arguments as systemd splits them', () => {
    assert.equal(systemdQuote('/usr/bin/node'), '/usr/bin/node');
    assert.equal(systemdQuote('/opt/net fix'), '"/opt/net fix"');
    assert.equal(systemdQuote('50%'), '50%%');
    assert.equal(systemdQuote('$HOME'), '$$HOME');
    assert.equal(systemdQuote('a"b\\c'), '"a\\"b\\\\c"');
  });

  const spec: ScheduleSpec = {
    version: 1,
    name: 'nightly',
    inventories: ['/etc/netfix/inventory.yml'],
    playbooks: ['/etc/netfix/bridge-netfilter.yml'],
    extraVars: [],
    cron: '30 2 * * *',
    checkOnly: true,
    maxRuntimeSec: 2700,
    jitterSec: 600,
    noHistory: false,
    connection: { acceptNewHostKeys: false, timeoutSec: 60, connectTimeoutSec: 10 },
    installed: { backend: 'systemd', unitDir: '/etc/systemd/system', user: false, activated: false },
    createdAt: '2030-01-01T00:00:00.000Z',
  };

  it('carry Persistent=, RandomizedDelaySec= and RuntimeMaxSec= from the schedule', () => {
    const units = renderUnits(
      spec,
      ['/usr/bin/node', '/opt/netfix/bin/netfix.js', 'schedule', 'run', 'nightly'],
      false,
    );
    assert.match(units.timer, /^OnCalendar=\*-\*-\* 2:30:00$/m);
    assert.match(units.timer, /^Persistent=true$/m);
    assert.match(units.timer, /^RandomizedDelaySec=10min$/m);
    assert.match(units.timer, /^Unit=netfix-nightly\.service$/m);
    assert.match(units.service, /^Type=simple$/m);
    assert.match(units.service, /^RuntimeMaxSec=45min$/m);
    assert.match(units.service, /^SuccessExitStatus=4$/m);
    assert.match(units.service, /^After=network-online\.target$/m);
    const user = renderUnits({ ...spec, checkOnly: false, jitterSec: 0 }, ['/usr/bin/true'], true);
    assert.doesNotMatch(user.service, /network-online|SuccessExitStatus/);
    assert.doesNotMatch(user.timer, /RandomizedDelaySec/);
  });
});
