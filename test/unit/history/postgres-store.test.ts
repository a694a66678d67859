import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openHistory, recordRunHistory } from '../../../src/history/index.js';
import { runResult } from './fixtures.js';
import { type PgCluster, startPostgres } from './pg-cluster.js';
import { storeContract } from './store-contract.js';

describe('PostgreSQL history', () => {
  let cluster: PgCluster | undefined;
  before(() => {
    cluster = startPostgres();
  });
  after(() => cluster?.stop());

  storeContract(() => ({ kind: 'postgres', url: cluster!.url }));

  it('several runners writing at once all land (migrations serialised by an advisory lock)', async () => {
    // A fresh database, so the runners race on the first migration too.
    const admin = await openHistory({ kind: 'postgres', url: cluster!.url });
    await admin.exec('CREATE DATABASE concurrent');
    await admin.close();
    const location = { kind: 'postgres' as const, url: cluster!.url.replace(/\/postgres$/, '/concurrent') };
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        recordRunHistory(
          runResult('check', `2030-01-02T0${index}:00:00.000Z`, { [`hv00${index}`]: ['ok'] }),
          {
            runId: `shard-${index}`,
            shard: `${index}/6`,
            runner: `runner-${index}`,
            location,
          },
        ),
      ),
    );
    assert.deepEqual(
      outcomes.map((outcome) => outcome.recorded),
      [true, true, true, true, true, true],
      JSON.stringify(outcomes),
    );
  });

  it('an unreachable server is an error said, with the password masked', async () => {
    const outcome = await recordRunHistory(
      runResult('check', '2030-01-01T00:00:00.000Z', { hv001: ['ok'] }),
      {
        runId: 'x',
        runner: 'r',
        location: { kind: 'postgres', url: 'postgresql://netfix:s3cret@%2Fnonexistent:1/netfix' },
      },
    );
    assert.ok(!outcome.recorded && !outcome.skipped);
    if (!outcome.recorded && !outcome.skipped) {
      assert.doesNotMatch(outcome.location, /s3cret/);
      assert.match(outcome.location, /\*\*\*/);
    }
  });
});
