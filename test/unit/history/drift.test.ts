import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { driftEvents, settingDrift } from '../../../src/history/index.js';
import { observation as o } from './fixtures.js';

const t = (hour: number) => `2030-01-01T${String(hour).padStart(2, '0')}:00:00.000Z`;

describe('drift', () => {
  it('the first sight of a setting that needs a change is not drift', () => {
    assert.deepEqual(settingDrift([o(t(1), 'apply', 'changed'), o(t(2), 'apply', 'ok')]), []);
    assert.deepEqual(settingDrift([o(t(1), 'check', 'would_change'), o(t(2), 'check', 'would_change')]), []);
  });

  it('a change found after an ok run is drift; the apply that made it fixed it; the next ok says it held', () => {
    const found = o(t(3), 'apply', 'changed');
    const [event, ...rest] = settingDrift([
      o(t(1), 'apply', 'changed'),
      o(t(2), 'apply', 'ok'),
      found,
      o(t(4), 'apply', 'ok'),
    ]);
    assert.deepEqual(rest, []);
    assert.deepEqual(event, {
      host: 'hv001',
      play: 'bridge',
      task: 'bridge sysctl',
      lastInPlaceAt: t(2),
      foundAt: t(3),
      foundBy: found.runId,
      foundMode: 'apply',
      changes: ['set net.bridge.bridge-nf-call-iptables live: 1 -> 0'],
      fix: { at: t(3), runId: found.runId },
      held: 'yes',
      heldCheckedAt: t(4),
    });
  });

  it('drift right after netfix fixed it is drift too, and that fix did not hold', () => {
    const events = settingDrift([
      o(t(1), 'apply', 'changed'),
      o(t(2), 'apply', 'ok'),
      o(t(3), 'apply', 'changed'),
      o(t(4), 'apply', 'changed'),
    ]);
    assert.equal(events.length, 2);
    assert.equal(events[0]!.held, 'no');
    assert.equal(events[0]!.heldCheckedAt, t(4));
    assert.equal(events[1]!.lastInPlaceAt, t(3));
    assert.equal(events[1]!.held, 'pending');
  });

  it('a check finds drift and leaves it; a later apply fixes it; a later run confirms', () => {
    const events = settingDrift([
      o(t(1), 'check', 'ok'),
      o(t(2), 'check', 'would_change'),
      o(t(3), 'check', 'would_change'),
      o(t(4), 'apply', 'changed'),
      o(t(5), 'check', 'ok'),
    ]);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.foundAt, t(2));
    assert.equal(events[0]!.foundMode, 'check');
    assert.equal(events[0]!.fix?.at, t(4));
    assert.equal(events[0]!.held, 'yes');
  });

  it('drift found by a check that nobody fixed stays unfixed; put back by hand is said so', () => {
    assert.equal(
      settingDrift([o(t(1), 'check', 'ok'), o(t(2), 'check', 'would_change')])[0]!.held,
      'unfixed',
    );
    const [byHand] = settingDrift([
      o(t(1), 'check', 'ok'),
      o(t(2), 'check', 'would_change'),
      o(t(3), 'check', 'ok'),
    ]);
    assert.deepEqual([byHand!.fix, byHand!.held], [{ at: t(3), runId: null }, 'yes']);
  });

  it('repeating changes (restarts, commands), failures and may_change say nothing about drift', () => {
    assert.deepEqual(
      settingDrift([o(t(1), 'apply', 'ok'), o(t(2), 'apply', 'changed', { repeats: true })]),
      [],
    );
    assert.deepEqual(
      settingDrift([
        o(t(1), 'apply', 'ok'),
        o(t(2), 'apply', 'failed'),
        o(t(3), 'check', 'may_change'),
        o(t(4), 'apply', 'ok'),
      ]),
      [],
    );
  });

  it('groups by host and task, sorts observations by time, and keeps only drift found since', () => {
    const observations = [
      o(t(4), 'apply', 'changed', { host: 'hv002' }),
      o(t(1), 'apply', 'ok', { host: 'hv002' }),
      o(t(1), 'apply', 'ok', { host: 'hv001', task: 'a' }),
      o(t(2), 'apply', 'changed', { host: 'hv001', task: 'a' }),
      o(t(1), 'apply', 'ok', { host: 'hv001', task: 'b' }),
      o(t(2), 'apply', 'ok', { host: 'hv001', task: 'b' }),
    ];
    assert.deepEqual(
      driftEvents(observations, t(0)).map((event) => [event.host, event.task, event.foundAt]),
      [
        ['hv001', 'a', t(2)],
        ['hv002', 'bridge sysctl', t(4)],
      ],
    );
    assert.deepEqual(
      driftEvents(observations, t(3)).map((event) => event.host),
      ['hv002'],
    );
  });
});
