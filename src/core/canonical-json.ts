/**
 * RFC 8785 JSON Canonicalization Scheme (JCS). The `canonicalize` package implements it
 * (ES number serialisation, UTF-16 key order); tested against the cyberphone corpus in
 * canonical-json.test.ts.
 */
import canonicalizeImpl from 'canonicalize';

export function canonicalJson(value: unknown): string {
  const out = canonicalizeImpl(value);
  if (out === undefined) throw new TypeError('value cannot be canonicalized (undefined)');
  return out;
}
