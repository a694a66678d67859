// Every value that reaches a remote shell passes through quote(): POSIX single quotes, with an
// embedded quote closed, escaped and reopened ('\''). This is correct for dash, bash, busybox sh
// and ksh alike; bash-only $'...' forms are never used because targets run plain /bin/sh.

export class UnquotableValueError extends Error {}

/**
 * A shell fragment whose every interpolated value has been quoted. It is an object, not a branded
 * string, so that no plain string can pass for one at run time: only `sh` and `raw` make it.
 */
export class Sh {
  readonly #text: string;
  private constructor(text: string) {
    this.#text = text;
  }
  /** @internal the only constructor path; see sh, raw, joinSh */
  static fromTrusted(text: string): Sh {
    return new Sh(text);
  }
  get text(): string {
    return this.#text;
  }
  toString(): string {
    return this.#text;
  }
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function quote(value: string | number): string {
  const text = String(value);
  // A NUL byte cannot be passed through any shell word: refuse it rather than truncate silently.
  if (text.includes('\0'))
    throw new UnquotableValueError('value contains a NUL byte and cannot be passed to sh');
  // Scripts are sent as UTF-8, where half a surrogate pair silently becomes U+FFFD: a changed value.
  if (loneSurrogate.test(text))
    throw new UnquotableValueError(
      'value contains half of a UTF-16 surrogate pair and cannot be sent as UTF-8',
    );
  if (text !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

type Interpolation = string | number | Sh | readonly (string | number | Sh)[];

function render(value: Interpolation): string {
  if (value instanceof Sh) return value.text;
  if (Array.isArray(value)) return value.map((item) => render(item)).join(' ');
  return quote(value as string | number);
}

/** Tagged template: literal parts are trusted, every `${}` is quoted unless it is already an Sh. */
export function sh(strings: TemplateStringsArray, ...values: Interpolation[]): Sh {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return Sh.fromTrusted(out);
}

/** Join fragments that are already Sh. */
export function joinSh(parts: readonly Sh[], separator = '\n'): Sh {
  return Sh.fromTrusted(parts.map((part) => part.text).join(separator));
}

/** For constant script text written in this code base (never for input). */
export function raw(constantScript: string): Sh {
  return Sh.fromTrusted(constantScript);
}
