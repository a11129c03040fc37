/**
 * Detection rule files (docs/detection.md) read from disk for the composition root and the
 * CLI: folders (every `.yml`/`.yaml` file inside, recursively, in name order) and single files,
 * compiled into one Detector by the core's `createDetector`. Rule files are untrusted input:
 * sizes are bounded, and a bad rule is a load error naming its file and line, never a crash.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuleLoadError } from './app/services.js';
import { createDetector, type Detector, type GeoLookup } from './core/detect/index.js';
import { VeritrailError } from './core/errors.js';

const MAX_FILE_BYTES = 1024 * 1024;
const MAX_FILES = 1000;

/** The built-in pack shipped in the package (`rules/builtin`), from src/ or dist/src/. */
export function builtinRulesDir(): string {
  for (const up of ['../rules/builtin', '../../rules/builtin']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  throw new VeritrailError('not_found', 'the built-in rule pack (rules/builtin) is missing');
}

export interface RuleFile {
  readonly name: string;
  readonly text: string;
}

function listYaml(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listYaml(p));
    else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(p);
  }
  return out;
}

/**
 * Reads rule files from folders and files. `builtin` (default: only when no paths are given)
 * adds the built-in pack first, its files named `builtin/…`.
 */
export function readRuleFiles(
  paths: readonly string[] = [],
  builtin: boolean = paths.length === 0,
): RuleFile[] {
  const roots: [string, boolean][] = [
    ...(builtin ? [[builtinRulesDir(), true] as [string, boolean]] : []),
    ...paths.map((p): [string, boolean] => [resolve(p), false]),
  ];
  const files: RuleFile[] = [];
  for (const [root, isBuiltin] of roots) {
    let st;
    try {
      st = statSync(root);
    } catch {
      throw new VeritrailError('not_found', `no rule file or folder at ${root}`, [
        { path: 'rules', message: `${root} does not exist` },
      ]);
    }
    for (const file of st.isDirectory() ? listYaml(root) : [root]) {
      if (files.length >= MAX_FILES)
        throw new VeritrailError('validation_failed', `more than ${MAX_FILES} rule files`);
      const size = statSync(file).size;
      if (size > MAX_FILE_BYTES)
        throw new VeritrailError(
          'validation_failed',
          `rule file ${file} is ${size} bytes; at most ${MAX_FILE_BYTES}`,
          [{ path: file, message: 'too large' }],
        );
      const name = isBuiltin ? `builtin/${relative(root, file).replaceAll('\\', '/')}` : file;
      files.push({ name, text: readFileSync(file, 'utf8') });
    }
  }
  return files;
}

export interface LoadedRules {
  readonly detector: Detector;
  readonly errors: RuleLoadError[];
  readonly warnings: readonly string[];
  readonly files: number;
}

/**
 * Reads and compiles rule files into one Detector; bad rules are listed, the rest load.
 * `geo` locates addresses for `impossible_travel` (else country centroids).
 */
export function loadDetector(
  paths?: readonly string[],
  opts: { builtin?: boolean; geo?: GeoLookup } = {},
): LoadedRules {
  const files = readRuleFiles(paths, opts.builtin);
  const r = createDetector({ files, ...(opts.geo ? { geo: opts.geo } : {}) });
  return {
    detector: r.detector,
    errors: r.errors.map((e) => ({
      file: e.file,
      line: e.line,
      message: `${e.path === '' ? '' : `${e.path}: `}${e.message} (${e.code})`,
    })),
    warnings: r.warnings,
    files: files.length,
  };
}
