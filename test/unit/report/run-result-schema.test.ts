// schema/run-result.schema.json is generated (npm run schema) from the zod schema that types the
// run result; the committed file must be what the code generates, and real results must pass it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { z } from 'zod';
import { runResultSchema } from '../../../src/engine/index.js';
import { createRedactor, renderJson } from '../../../src/report/index.js';
import { fleet } from './results.js';

const schemaFile = new URL('../../../schema/run-result.schema.json', import.meta.url);
const committed = JSON.parse(readFileSync(schemaFile, 'utf8')) as object;

function runResultValidator() {
  return new Ajv2020({ allErrors: true, strict: true }).compile(committed);
}

test('schema/run-result.schema.json is what `netfix schema run-result` prints (run npm run schema)', () => {
  assert.deepEqual(committed, z.toJSONSchema(runResultSchema));
});

test('a JSON report validates against it; a broken one does not', () => {
  const validate = runResultValidator();
  for (const mode of ['check', 'apply'] as const) {
    const report = JSON.parse(renderJson(fleet(mode, 20))) as unknown;
    assert.ok(validate(report), JSON.stringify(validate.errors));
  }
  const redacted = createRedactor({
    secrets: ['br_netfilter'],
    noLogSources: new Set(['playbooks/bridge.yml:5:7']),
  });
  assert.ok(
    validate(JSON.parse(renderJson(redacted.result(fleet('check', 5))))),
    JSON.stringify(validate.errors),
  );
  const broken = JSON.parse(renderJson(fleet('check', 2))) as { hosts: { status: string }[] };
  broken.hosts[0]!.status = 'fine';
  assert.equal(validate(broken), false);
});
