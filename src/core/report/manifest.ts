/**
 * The signed manifest of a report folder (docs/reports.md "Manifest"): every file with its
 * SHA-256 and size, every query with the SHA-256 of its text and its row count, and an Ed25519
 * signature by the server's key. The signature is a C2SP signed note (the format of the log's
 * checkpoints, same key, same verifier-key string) whose body binds the SHA-256 of the canonical
 * JSON (RFC 8785) of the manifest without its `signature` member.
 *
 * Verification is offline and pure: the folder's files are untrusted input.
 */
import { canonicalJson } from '../canonical-json.js';
import { verifyNote } from '../checkpoint/index.js';
import { sha256 } from '../crypto.js';
import type { Report, ReportQuery } from './model.js';

export const MANIFEST_SCHEMA = 'veritrail.report-manifest/v1';
export const MANIFEST_FILE = 'manifest.json';
const NOTE_TITLE = 'veritrail report manifest v1';
/** Limits on untrusted manifests: a report folder has a few dozen files. */
const MAX_FILES = 1000;
const MAX_MANIFEST_BYTES = 4 << 20;

export interface ManifestFile {
  readonly name: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface UnsignedManifest {
  readonly schema: typeof MANIFEST_SCHEMA;
  readonly report: string;
  readonly framework: string;
  readonly tenant: string;
  readonly period: { readonly from: string; readonly to: string };
  readonly generatedAt: string;
  readonly generator: { readonly name: string; readonly version: string };
  readonly files: readonly ManifestFile[];
  readonly queries: readonly ReportQuery[];
}

export interface Manifest extends UnsignedManifest {
  readonly signature: { readonly key: string; readonly note: string };
}

export function unsignedManifest(
  report: Report,
  /** Text files (hashed as UTF-8) and binary ones (the PDF). */
  files: Readonly<Record<string, string | Uint8Array>>,
): UnsignedManifest {
  return {
    schema: MANIFEST_SCHEMA,
    report: report.id,
    framework: report.framework.id,
    tenant: report.tenant,
    period: report.period,
    generatedAt: report.generatedAt,
    generator: report.generator,
    files: Object.keys(files)
      .sort()
      .map((name) => {
        const content = files[name]!;
        const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
        return { name, sha256: sha256(data).toString('hex'), bytes: data.length };
      }),
    queries: report.queries,
  };
}

/** The note body the key signs: a title line and the manifest's digest. */
export function manifestNoteBody(m: UnsignedManifest): string {
  return `${NOTE_TITLE}\n${sha256(canonicalJson(m)).toString('hex')}\n`;
}

/** manifest.json as written: canonical JSON and a newline, so any changed byte is detected. */
export function manifestText(m: Manifest): string {
  return `${canonicalJson(m)}\n`;
}

export type ReportFailureCode =
  | 'missing_manifest'
  | 'malformed_manifest'
  | 'bad_signature'
  | 'key_mismatch'
  | 'missing_file'
  | 'file_changed'
  | 'unlisted_file';

export interface ReportFailure {
  readonly code: ReportFailureCode;
  readonly file: string;
  readonly message: string;
}

export interface ReportVerification {
  readonly ok: boolean;
  readonly report: string | null;
  readonly tenant: string | null;
  readonly framework: string | null;
  readonly files: number;
  /** The key the signature was checked with. */
  readonly key: string | null;
  readonly failures: readonly ReportFailure[];
}

/**
 * Checks a report folder given as name → bytes: the manifest's form and signature (against
 * `key` when given, else the key the manifest names), then every file's digest and size.
 */
export function verifyReport(
  files: ReadonlyMap<string, Uint8Array>,
  key?: string,
): ReportVerification {
  const fail = (code: ReportFailureCode, file: string, message: string): ReportVerification => ({
    ok: false,
    report: null,
    tenant: null,
    framework: null,
    files: 0,
    key: key ?? null,
    failures: [{ code, file, message }],
  });
  const raw = files.get(MANIFEST_FILE);
  if (!raw) return fail('missing_manifest', MANIFEST_FILE, 'no manifest.json in the folder');
  if (raw.length > MAX_MANIFEST_BYTES)
    return fail('malformed_manifest', MANIFEST_FILE, 'manifest.json is too large');
  const parsed = parseManifest(Buffer.from(raw));
  if (typeof parsed === 'string') return fail('malformed_manifest', MANIFEST_FILE, parsed);
  const { signature, ...unsigned } = parsed;
  const useKey = key ?? signature.key;
  if (key !== undefined && signature.key !== key)
    return fail('key_mismatch', MANIFEST_FILE, 'the manifest names another signing key');
  const note = verifyNote(signature.note, useKey);
  if (!note.ok || note.value.body !== manifestNoteBody(unsigned))
    return fail(
      'bad_signature',
      MANIFEST_FILE,
      note.ok ? 'the signature covers another manifest' : note.error.message,
    );
  const failures: ReportFailure[] = [];
  const listed = new Set<string>();
  for (const f of unsigned.files) {
    listed.add(f.name);
    const data = files.get(f.name);
    if (!data) failures.push({ code: 'missing_file', file: f.name, message: 'file is missing' });
    else if (data.length !== f.bytes || sha256(data).toString('hex') !== f.sha256)
      failures.push({
        code: 'file_changed',
        file: f.name,
        message: 'content does not match the manifest',
      });
  }
  for (const name of [...files.keys()].sort())
    if (name !== MANIFEST_FILE && !listed.has(name))
      failures.push({ code: 'unlisted_file', file: name, message: 'file is not in the manifest' });
  return {
    ok: failures.length === 0,
    report: unsigned.report,
    tenant: unsigned.tenant,
    framework: unsigned.framework,
    files: unsigned.files.length,
    key: useKey,
    failures,
  };
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const HEX64 = /^[0-9a-f]{64}$/;
const SAFE_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/** The manifest, or a message saying what is wrong with it. */
function parseManifest(raw: Buffer): Manifest | string {
  let v: unknown;
  try {
    v = JSON.parse(raw.toString('utf8'));
  } catch {
    return 'manifest.json is not JSON';
  }
  if (!isObj(v) || v.schema !== MANIFEST_SCHEMA) return `schema must be ${MANIFEST_SCHEMA}`;
  const sig = v.signature;
  if (!isObj(sig) || !isStr(sig.key) || !isStr(sig.note))
    return 'signature: must have key and note';
  if (!Array.isArray(v.files) || v.files.length > MAX_FILES) return 'files: must be a list';
  for (const [i, f] of v.files.entries()) {
    if (
      !isObj(f) ||
      !isStr(f.name) ||
      !SAFE_NAME.test(f.name) ||
      f.name === MANIFEST_FILE ||
      !isStr(f.sha256) ||
      !HEX64.test(f.sha256) ||
      !Number.isSafeInteger(f.bytes)
    )
      return `files[${i}]: must have a plain name, a sha256 and a size`;
  }
  if (!Array.isArray(v.queries)) return 'queries: must be a list';
  for (const k of ['report', 'framework', 'tenant', 'generatedAt'])
    if (!isStr(v[k])) return `${k}: must be a string`;
  const m = v as unknown as Manifest;
  // Only the canonical form is accepted: no byte of the file is outside what the signature binds.
  let canonical: string;
  try {
    canonical = manifestText(m);
  } catch {
    return 'manifest.json holds values canonical JSON cannot represent';
  }
  if (Buffer.compare(raw, Buffer.from(canonical, 'utf8')) !== 0)
    return 'manifest.json is not in canonical form (it was edited)';
  return m;
}
