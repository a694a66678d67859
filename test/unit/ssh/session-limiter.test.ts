import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SessionLimiter } from '../../../src/ssh/session-limiter.js';

test('at most `limit` holders at once, served first come first served', async () => {
  const limiter = new SessionLimiter(2);
  const order: number[] = [];
  const first = await limiter.acquire();
  const second = await limiter.acquire();
  const waiting = [3, 4].map((id) =>
    limiter.acquire().then((release) => {
      order.push(id);
      return release;
    }),
  );
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(order, []);
  assert.equal(limiter.active, 2);
  first();
  first(); // a second release of the same slot is ignored
  const third = await waiting[0];
  assert.deepEqual(order, [3]);
  second();
  const fourth = await waiting[1];
  assert.deepEqual(order, [3, 4]);
  third?.();
  fourth?.();
  assert.equal(limiter.active, 0);
});
