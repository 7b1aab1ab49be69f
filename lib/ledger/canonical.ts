/**
 * Canonical JSON in the style of RFC 8785 (JCS): object keys sorted by UTF-16 code
 * units, no whitespace, strings and numbers serialised as ECMAScript JSON.stringify
 * does (which is what JCS specifies). Non-finite numbers, undefined, functions,
 * symbols, bigints and non-plain objects are rejected rather than silently dropped.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, '$');
}

function serialise(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number at ${path}`);
      return JSON.stringify(Object.is(value, -0) ? 0 : value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v, i) => serialise(v, `${path}[${i}]`)).join(',')}]`;
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError(`canonicalJson: unsupported object at ${path}`);
      }
      const obj = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, as RFC 8785 requires.
      const keys = Object.keys(obj).sort();
      const parts: string[] = [];
      for (const key of keys) {
        if (obj[key] === undefined) throw new TypeError(`canonicalJson: undefined at ${path}.${key}`);
        parts.push(`${JSON.stringify(key)}:${serialise(obj[key], `${path}.${key}`)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: unsupported ${typeof value} at ${path}`);
  }
}
