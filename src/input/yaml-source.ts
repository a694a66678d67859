import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { type Document, isAlias, isMap, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import type { InputProblem } from '../errors.js';
import { formatFieldPath, type YamlPath } from './field-path.js';
import { checkDecodedText, decodeUtf8 } from './text-checks.js';
import { findUnquotedTemplates } from './unquoted-template.js';
import { unsafeDataProblems } from './unsafe-data.js';

/** One parsed YAML file, kept whole so that any value can be traced back to its line and column. */
export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /**
   * The document as plain values, or undefined when it cannot be trusted: after a syntax error
   * the structure is a guess (a badly indented key lands in the wrong mapping), and checking it
   * would add errors that are only echoes of the first. Its problems say why.
   */
  data: unknown;
}

/**
 * Inventories and playbooks are refused above this size, before they are parsed. Parsing YAML with
 * positions costs about 80 bytes of memory per byte of input (4 MiB: ~350 MB, ~2 s); an inventory
 * of 100,000 hosts with an address each fits in it, and a bigger file is a mistake or an attack.
 */
export const maxInputBytes = 4 * 1024 * 1024;

/**
 * Aliases may be used this many times (yaml's estimate of the values they expand to). Generous for
 * `<<: *defaults` on every host of a big inventory; a "billion laughs" document is far above it.
 */
const maxAliasCount = 10_000;

/**
 * Parses with the YAML 1.1 schema because Ansible reads its files with PyYAML (YAML 1.1): there
 * `become: yes` is a boolean, and an existing inventory or playbook must mean the same here.
 * Never throws: syntax errors come back as problems next to whatever part of the file parsed.
 * `fieldRoot` names the document's root in messages (`plays` for a playbook).
 */
export function parseYamlSource(
  file: string,
  text: string,
  fieldRoot: YamlPath = [],
): { source: YamlSource; problems: InputProblem[] } {
  const lineCounter = new LineCounter();
  // An editor's byte order mark is not content; dropping it keeps positions as the editor shows them.
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  const textProblems = checkDecodedText(file, body);
  const problems: InputProblem[] = [...textProblems];
  let doc: Document.Parsed;
  try {
    doc = parseDocument(body, {
      version: '1.1',
      lineCounter,
      prettyErrors: false,
      // yaml's own check compares every key with every other (quadratic: minutes for an inventory
      // of 20,000 hosts); duplicateKeys() below does it with a set.
      uniqueKeys: false,
      // Collection keys (an unquoted `{{ x }}` parses as one) would otherwise print a process warning.
      logLevel: 'error',
    });
  } catch (error) {
    // The parser recurses per nesting level: thousands of `[` or indents exhaust the stack.
    const empty = parseDocument('', { lineCounter: new LineCounter() });
    const reason = error instanceof RangeError ? 'nested too deeply to parse' : String(error);
    problems.push({ file, line: 1, col: 1, field: '', message: `YAML: ${reason}` });
    return { source: { file, doc: empty, lineCounter, data: undefined }, problems };
  }
  const syntaxErrors = onePerLine(
    doc.errors.map((error): InputProblem => {
      const unclosed = error.code === 'MISSING_CHAR' ? unclosedQuote(doc, error.pos[0]) : undefined;
      if (unclosed !== undefined) {
        const end = lineCounter.linePos(error.pos[0]);
        return {
          file,
          ...lineCounter.linePos(unclosed),
          field: '',
          message: `YAML: this quoted string is never closed (it runs on to line ${end.line})`,
        };
      }
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return { file, line, col, field: '', message: `YAML: ${yamlMessage(error.code, error.message)}` };
    }),
  );
  const warnings = doc.warnings.map((warning): InputProblem => {
    const { line, col } = lineCounter.linePos(warning.pos[0]);
    return { file, line, col, field: '', message: `YAML: ${warning.message}` };
  });
  const source: YamlSource = { file, doc, lineCounter, data: undefined };
  // A repeated key is found in whatever parsed, and is worth saying next to a syntax error.
  problems.push(...syntaxErrors, ...warnings, ...duplicateKeys(source, fieldRoot));
  if (syntaxErrors.length > 0 || textProblems.length > 0) return { source, problems };

  problems.push(...findUnquotedTemplates(source));
  const converted = toData(source);
  if ('problem' in converted) return { source, problems: [...problems, converted.problem] };
  const unsafe = unsafeDataProblems(source, converted.data, fieldRoot);
  problems.push(...unsafe.problems);
  return { source: { ...source, data: unsafe.usable ? converted.data : undefined }, problems };
}

/** Reads and parses a file; an unreadable file is a problem at line 0 (no position to give). */
export function readYamlSource(
  file: string,
  fieldRoot: YamlPath = [],
): { source?: YamlSource; problems: InputProblem[] } {
  const bytes = readLimited(file);
  if ('problem' in bytes) return { problems: [{ file, line: 0, col: 0, field: '', message: bytes.problem }] };
  const decoded = decodeUtf8(file, bytes.buffer);
  if ('problem' in decoded) return { problems: [decoded.problem] };
  return parseYamlSource(file, decoded.text, fieldRoot);
}

/**
 * At most maxInputBytes + 1 bytes are read, whatever the file is: a 50 MB playbook, a FIFO or
 * /dev/zero is refused without being held in memory.
 */
function readLimited(file: string): { buffer: Buffer } | { problem: string } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: `cannot read: ${code === 'ENOENT' ? 'file not found' : String(error)}` };
  }
  try {
    if (fstatSync(fd).isDirectory()) return { problem: 'cannot read: is a directory, not a file' };
    const buffer = Buffer.alloc(maxInputBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > maxInputBytes)
      return {
        problem: `file is larger than ${maxInputBytes / 1024 / 1024} MiB, the limit for an inventory or playbook: split it, or check that it is the file you meant`,
      };
    return { buffer: buffer.subarray(0, length) };
  } catch (error) {
    return { problem: `cannot read: ${String(error)}` };
  } finally {
    closeSync(fd);
  }
}

/** After the first error on a line, the rest of that line is the parser tripping over it again. */
function onePerLine(problems: readonly InputProblem[]): InputProblem[] {
  const lines = new Set<number>();
  return problems.filter((problem) => {
    if (lines.has(problem.line)) return false;
    lines.add(problem.line);
    return true;
  });
}

/** yaml's messages, where they speak to a programmer rather than to whoever wrote the file. */
function yamlMessage(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS')
    return "a second document starts here ('---'): netfix reads one document per file";
  if (/call stack/i.test(message)) return 'nested too deeply to parse';
  return message;
}

/** yaml reports a missing closing quote at the end of the file; where the string opened is what helps. */
function unclosedQuote(doc: Document.Parsed, errorOffset: number): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Scalar(_, scalar) {
      const quoted = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE';
      if (quoted && scalar.range && scalar.range[0] < errorOffset && scalar.range[1] >= errorOffset)
        start = scalar.range[0];
    },
  });
  return start;
}

/** Every repeated key of every mapping, at the repeat, naming where the key was first written. */
function duplicateKeys(source: YamlSource, fieldRoot: YamlPath): InputProblem[] {
  const problems: InputProblem[] = [];
  visit(source.doc, {
    Map(_, map, parents) {
      const ancestry = [...parents, map];
      const first = new Map<string, number>();
      for (const pair of map.items) {
        if (!isScalar(pair.key) || !pair.key.range) continue;
        const key = String(pair.key.value);
        const offset = pair.key.range[0];
        const earlier = first.get(key);
        if (earlier === undefined) {
          first.set(key, offset);
          continue;
        }
        const at = source.lineCounter.linePos(offset);
        const was = source.lineCounter.linePos(earlier);
        problems.push({
          file: source.file,
          ...at,
          field: formatFieldPath([...fieldRoot, ...pathOf(ancestry), key]),
          message: `duplicate key '${key}' (first at line ${was.line}, column ${was.col}): only the last one counts`,
        });
      }
    },
  });
  return problems;
}

/** The data path of a node from yaml's visitor ancestry (documents, sequences, pairs). */
function pathOf(ancestry: readonly unknown[]): YamlPath {
  const path: (string | number)[] = [];
  for (const [index, node] of ancestry.entries()) {
    const next = ancestry[index + 1];
    if (next === undefined) break;
    if (isMap(node)) continue;
    if (node && typeof node === 'object' && 'items' in node && Array.isArray(node.items)) {
      path.push(node.items.indexOf(next));
    } else if (node && typeof node === 'object' && 'key' in node && isScalar(node.key)) {
      path.push(String(node.key.value));
    }
  }
  return path;
}

/** The plain values, or why they cannot be had (aliases that expand too far or point nowhere). */
function toData(source: YamlSource): { data: unknown } | { problem: InputProblem } {
  try {
    return { data: source.doc.toJS({ maxAliasCount }) };
  } catch (error) {
    const message = (error as Error).message;
    const at = (node: unknown) => {
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      return range ? source.lineCounter.linePos(range[0]) : { line: 1, col: 1 };
    };
    let firstAlias: unknown;
    let unresolved: unknown;
    visit(source.doc, {
      Alias(_, alias) {
        firstAlias ??= alias;
        if (!unresolved && !alias.resolve(source.doc)) unresolved = alias;
      },
    });
    if (unresolved && isAlias(unresolved))
      return {
        problem: {
          file: source.file,
          ...at(unresolved),
          field: '',
          message: `YAML: alias *${unresolved.source} has no anchor &${unresolved.source} before it`,
        },
      };
    const excessive = /Excessive alias count/.test(message);
    return {
      problem: {
        file: source.file,
        ...at(firstAlias),
        field: '',
        message: excessive
          ? `YAML: aliases expand to more than ${maxAliasCount} values (a "billion laughs" document?): refused`
          : `YAML: ${error instanceof RangeError ? 'nested too deeply' : message}`,
      },
    };
  }
}
