import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFieldPath, locate, parseYamlSource, positionText } from '../../../src/input/index.js';

const text = `- name: play
  hosts: all
  tasks:
    - name: t
      kernel_module:
        name: x
    - name: empty
      kernel_module:
base: &base
  a: 1
`;

const { source } = parseYamlSource('pb.yml', text);

test('locate finds values and keys by path, 1-based', () => {
  assert.deepEqual(locate(source, [0, 'hosts']), { file: 'pb.yml', line: 2, col: 10 });
  assert.deepEqual(locate(source, [0, 'hosts'], { key: true }), { file: 'pb.yml', line: 2, col: 3 });
  assert.deepEqual(locate(source, [0, 'tasks', 0, 'kernel_module', 'name']), {
    file: 'pb.yml',
    line: 6,
    col: 15,
  });
  assert.deepEqual(locate(source, [0, 'tasks', 1]), { file: 'pb.yml', line: 7, col: 7 });
});

test('a path that leaves the document points at the deepest node that exists', () => {
  assert.deepEqual(locate(source, [0, 'tasks', 0, 'kernel_module', 'state']), {
    file: 'pb.yml',
    line: 6,
    col: 9,
  });
  assert.deepEqual(locate(source, [0, 'tasks', 9]), { file: 'pb.yml', line: 4, col: 5 });
});

test('an empty value points at its key', () => {
  assert.deepEqual(locate(source, [0, 'tasks', 1, 'kernel_module']), { file: 'pb.yml', line: 8, col: 7 });
});

test('field paths bracket indexes and keys that are not identifiers', () => {
  assert.equal(
    formatFieldPath(['plays', 0, 'tasks', 1, 'kernel_module', 'nmae']),
    'plays[0].tasks[1].kernel_module.nmae',
  );
  assert.equal(
    formatFieldPath(['all', 'hosts', 'hv1.dc1', 'ansible_port']),
    'all.hosts["hv1.dc1"].ansible_port',
  );
  assert.equal(formatFieldPath([]), '');
});

test('positions in messages are short within the same file', () => {
  assert.equal(positionText({ file: 'a.yml', line: 3, col: 5 }, 'a.yml'), 'line 3, column 5');
  assert.equal(positionText({ file: 'a.yml', line: 3, col: 5 }, 'b.yml'), 'a.yml:3:5');
});

test('YAML syntax errors and unquoted templates are problems with positions', () => {
  const broken = parseYamlSource('b.yml', 'a: 1\na: 2\nb: {{ x }}\n');
  assert.deepEqual(
    broken.problems.map((p) => `${p.line}:${p.col}`),
    ['2:1', '3:4'],
  );
  assert.match(broken.problems[0]!.message, /^duplicate key 'a' \(first at line 1, column 1\)/);
  assert.match(broken.problems[1]!.message, /^a value that starts with '\{\{' must be quoted/);
});

test('YAML 1.1 booleans, as Ansible reads them', () => {
  const { source: yes } = parseYamlSource('y.yml', 'a: yes\nb: off\nc: "yes"\n');
  assert.deepEqual(yes.doc.toJS(), { a: true, b: false, c: 'yes' });
});
