// How a play's serial cuts its hosts into batches, and when a batch's failures stop the run:
// the numbers Ansible's users expect from the same keywords.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchSizes, needsBatches, stopReason } from '../../../src/engine/batches.js';

describe('batchSizes', () => {
  it('no serial: one batch of every host', () => {
    assert.deepEqual(batchSizes(50, undefined), [50]);
  });
  it('a percentage is of the play hosts, rounded down, at least one', () => {
    assert.deepEqual(batchSizes(50, ['10%']), Array(10).fill(5));
    assert.deepEqual(batchSizes(15, ['10%']), Array(15).fill(1));
    assert.deepEqual(batchSizes(7, ['50%']), [3, 3, 1]);
  });
  it('a list: each size in turn, the last repeated, the last batch takes what is left', () => {
    assert.deepEqual(batchSizes(20, [1, 5, '50%']), [1, 5, 10, 4]);
    assert.deepEqual(batchSizes(3, [1, 5]), [1, 2]);
  });
  it('a batch larger than the play is the whole play', () => {
    assert.deepEqual(batchSizes(4, [10]), [4]);
    assert.deepEqual(batchSizes(0, [10]), []);
  });
});

describe('stopReason', () => {
  const state = (failed: string[], size = 5) => ({ play: 'p', batch: 2, batches: 10, size, failed });
  it('max_fail_percentage: more than the percentage stops, equal does not', () => {
    assert.equal(stopReason({ serial: ['10%'], maxFailPercentage: 20 }, state(['hv006'])), undefined);
    assert.equal(
      stopReason({ serial: ['10%'], maxFailPercentage: 20 }, state(['hv006', 'hv007'])),
      'max_fail_percentage 20% exceeded in batch 2/10 of play "p": 2 of 5 hosts failed (hv006, hv007), 40%',
    );
    assert.match(
      stopReason({ maxFailPercentage: 0 }, state(['hv006'], 3)) ?? '',
      /1 of 3 hosts failed .*, 33\.3%$/,
    );
  });
  it('any_errors_fatal: the first failed host stops the run', () => {
    assert.equal(
      stopReason({ anyErrorsFatal: true }, state(['hv009'])),
      'any_errors_fatal: hv009 failed in batch 2/10 of play "p"',
    );
  });
  it('serial alone: a batch in which every host failed stops the play, fewer do not', () => {
    assert.equal(stopReason({ serial: [2] }, state(['a'], 2)), undefined);
    assert.equal(
      stopReason({ serial: [2] }, state(['a', 'b'], 2)),
      'every host of batch 2/10 of play "p" failed (a, b)',
    );
    assert.equal(stopReason(undefined, state(['a', 'b'], 2)), undefined);
  });
  it('plays without rollout keywords keep the one-exec-per-host path', () => {
    assert.equal(needsBatches(undefined), false);
    assert.equal(needsBatches({ forceHandlers: false }), false);
    assert.equal(needsBatches({ anyErrorsFatal: false }), false);
    assert.equal(needsBatches({ serial: [1] }), true);
    assert.equal(needsBatches({ maxFailPercentage: 0 }), true);
  });
});
