import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileTemplate, renderTemplate } from '../../../src/playbook/template.js';

function render(text: string, context: Record<string, unknown>) {
  const compiled = compileTemplate(text);
  assert.ok('template' in compiled, JSON.stringify(compiled));
  return renderTemplate(compiled.template, context);
}

test('a template alone in its string keeps the value and its type', () => {
  assert.deepEqual(render('{{ size }}', { size: 9000 }), { value: 9000 });
  assert.deepEqual(render('{{ params }}', { params: { a: 1 } }), { value: { a: 1 } });
  assert.deepEqual(render('{{ site.name }}', { site: { name: 'dc1' } }), { value: 'dc1' });
});

test('templates inside text render to text, with nothing escaped', () => {
  assert.deepEqual(render('load {{ mod }} on {{ host }}', { mod: 'br_netfilter', host: 'hv1' }), {
    value: 'load br_netfilter on hv1',
  });
  assert.deepEqual(render('a={{ v }}', { v: `"<&>'=` }), { value: `a="<&>'=` });
});

test('undefined and null variables are errors naming the variable, never an empty string', () => {
  assert.deepEqual(render('{{ mod }}', {}), { error: "undefined variable 'mod'" });
  assert.deepEqual(render('x {{ site.name }}', { site: {} }), { error: "undefined variable 'site.name'" });
  assert.deepEqual(render('x {{ mod }}', { mod: null }), { error: "variable 'mod' is null" });
  assert.deepEqual(render('{{#each xs}}{{ missing }}{{/each}}', { xs: [{ a: 1 }] }), {
    error: "undefined variable 'missing'",
  });
});

test('variables inherited from Object.prototype are not variables', () => {
  assert.deepEqual(render('{{ constructor }}', {}), { error: "undefined variable 'constructor'" });
});

test('a variable only used under a false #if may be undefined', () => {
  assert.deepEqual(render('{{#if extra}}{{ extra }}{{/if}}x', {}), { value: 'x' });
});

test('syntax errors are found at compile time, with a hint for Jinja filters', () => {
  const jinja = compileTemplate("{{ mod | default('x') }}");
  assert.ok('error' in jinja);
  assert.match(jinja.error, /^template syntax error on line 1 of the string.*Jinja filters/);
  const unclosed = compileTemplate('{{ mod');
  assert.ok('error' in unclosed);
  assert.doesNotMatch(unclosed.error, /Jinja/);
});
