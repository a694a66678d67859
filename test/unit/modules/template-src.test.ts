import assert from 'node:assert/strict';
import { test } from 'node:test';
import { templateParams } from '../../../src/modules/template/params.js';

function messages(params: unknown): string[] {
  const parsed = templateParams.safeParse(params);
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

// Whether a '..' path names an existing file depends on where the checkout sits; either way the
// one error is the '..' rule, and nothing outside templates/ is opened.
test("a src with '..' gets one error and is never read, wherever the checkout is", () => {
  const refused = "src: must not contain '..': keep templates inside templates/";
  assert.deepEqual(messages({ dest: '/etc/x.conf', src: '../netfix-no-such-file' }), [refused]);
  assert.deepEqual(messages({ dest: '/etc/x.conf', src: `${'../'.repeat(40)}etc/passwd` }), [refused]);
});

test('a missing template under templates/ is named with the reason', () => {
  assert.deepEqual(messages({ dest: '/etc/x.conf', src: 'netfix-no-such-template.hbs' }), [
    `src: cannot read template ${process.cwd()}/templates/netfix-no-such-template.hbs: ENOENT`,
  ]);
});
