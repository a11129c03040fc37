/**
 * Loads a Sigma YAML file (Sigma rules specification v2.0.0; v1 rule collections with
 * `action: global`, `reset` and `repeat`; meta filters; correlation rules). The text is
 * untrusted: every problem becomes a `SigmaLoadError` naming the file, the line and the
 * reason, and one bad document never stops the others.
 */
import {
  type Document,
  LineCounter,
  isMap as isMapNode,
  isNode,
  isScalar,
  isSeq,
  parseAllDocuments,
} from 'yaml';
import { CompileError } from './compile-error.js';
import { compileDetection } from './detection.js';
import { fieldAliases } from './logsource.js';
import { logsource, ruleMeta, stringList, title, optString } from './meta.js';
import { parseCorrelation } from './parse-correlation.js';
import type {
  LoadOptions,
  LoadResult,
  SigmaErrorCode,
  SigmaFilter,
  SigmaLoadError,
  TypedRuleDocument,
} from './types.js';

type Doc = Record<string, unknown>;
type Path = readonly (string | number)[];

export const MAX_FILE_BYTES = 1_048_576;
export const MAX_DOCUMENTS = 1000;

const isMap = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge for rule collections: maps merge key by key, anything else is replaced. */
function merge(base: Doc, over: Doc): Doc {
  const out: Doc = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = Object.hasOwn(out, k) ? out[k] : undefined;
    // defineProperty: a `__proto__` key in the YAML stays a plain key.
    Object.defineProperty(out, k, {
      value: isMap(b) && isMap(v) ? merge(b, v) : v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

export function loadRules(text: string, fileName: string, options: LoadOptions = {}): LoadResult {
  const result: LoadResult = { rules: [], filters: [], correlations: [], typed: [], errors: [] };
  const err = (code: SigmaErrorCode, line: number, column: number, path: string, message: string) =>
    result.errors.push({
      code,
      file: fileName,
      line,
      column,
      path,
      message,
    } satisfies SigmaLoadError);
  if (text.length > MAX_FILE_BYTES) {
    err('too_large', 1, 1, '', `file is larger than ${MAX_FILE_BYTES} bytes`);
    return result;
  }
  const lineCounter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
    }) as Document.Parsed[];
  } catch (e) {
    err('yaml_syntax', 1, 1, '', e instanceof Error ? e.message : String(e));
    return result;
  }
  if (!Array.isArray(docs)) return result; // an empty stream
  if (docs.length > MAX_DOCUMENTS) {
    err('too_large', 1, 1, '', `file has more than ${MAX_DOCUMENTS} YAML documents`);
    return result;
  }
  const pos = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  const placeholders = options.placeholders ?? {};
  let global: Doc | null = null;
  let previous: Doc | null = null;

  for (const doc of docs) {
    const docStart = pos(doc.contents?.range[0] ?? doc.range[0]);
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const p = pos(e.pos[0]);
        err('yaml_syntax', p.line, p.col, '', e.message.split('\n')[0] ?? e.message);
      }
      continue;
    }
    // The line of the key (or list item) at the end of `path`, else of its nearest parent.
    const locate = (path: Path) => {
      for (let n = path.length; n > 0; n--) {
        const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
        const step = path[n - 1];
        let node: unknown;
        if (isMapNode(parent))
          node = parent.items.find((it) => isScalar(it.key) && it.key.value === step)?.key;
        else if (isSeq(parent) && typeof step === 'number') node = parent.items[step];
        const range = isNode(node) ? node.range : undefined;
        if (range) return pos(range[0]);
      }
      return docStart;
    };
    let js: unknown;
    try {
      js = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      err(
        'yaml_syntax',
        docStart.line,
        docStart.col,
        '',
        e instanceof Error ? e.message : String(e),
      );
      continue;
    }
    if (js === null || js === undefined) continue; // an empty document (e.g. a trailing ---)
    if (!isMap(js)) {
      err('invalid_document', docStart.line, docStart.col, '', 'a Sigma document must be a map');
      continue;
    }
    const action = js.action;
    if (action !== undefined) {
      const rest = { ...js };
      delete rest.action;
      if (action === 'global') {
        global = rest;
        continue;
      }
      if (action === 'reset') {
        global = null;
        continue;
      }
      if (action === 'repeat') {
        if (previous === null) {
          err(
            'invalid_document',
            docStart.line,
            docStart.col,
            'action',
            `'action: repeat' needs a rule before it`,
          );
          continue;
        }
        js = merge(previous, rest);
      } else {
        err(
          'invalid_document',
          docStart.line,
          docStart.col,
          'action',
          `unknown action ${JSON.stringify(action)} (global, reset or repeat)`,
        );
        continue;
      }
    } else if (global !== null) {
      js = merge(global, js);
    }
    const d = js as Doc;
    previous = d;
    try {
      if (isMap(d.veritrail) && d.veritrail.type !== undefined) {
        result.typed.push(typedDocument(d, fileName, docStart.line, placeholders, locate));
      } else if (d.correlation !== undefined) {
        result.correlations.push(parseCorrelation(d, fileName, docStart.line));
      } else if (d.filter !== undefined) {
        result.filters.push(parseFilter(d, fileName, docStart.line, placeholders));
      } else if (d.detection !== undefined) {
        const meta = ruleMeta(d, fileName, docStart.line, true);
        const ls = logsource(d);
        const match = compileDetection(d.detection, ['detection'], {
          placeholders,
          aliases: fieldAliases(ls),
        });
        if (meta.id !== undefined && result.rules.some((r) => r.id === meta.id))
          throw new CompileError(
            'duplicate_rule',
            ['id'],
            `id '${meta.id}' is used by an earlier rule in this file`,
          );
        result.rules.push({ ...meta, kind: 'rule', logsource: ls, match });
      } else {
        title(d);
        throw new CompileError(
          'invalid_document',
          [],
          `not a Sigma rule: it has no 'detection', 'filter' or 'correlation'`,
        );
      }
    } catch (e) {
      if (!(e instanceof CompileError)) throw e;
      const p = locate(e.path);
      err(e.code, p.line, p.col, e.path.join('.'), e.message);
    }
  }
  return result;
}

/** A Veritrail rule document: Sigma metadata, optional logsource and detection, `veritrail`. */
function typedDocument(
  d: Doc,
  file: string,
  line: number,
  placeholders: LoadOptions['placeholders'] & object,
  locate: (path: Path) => { line: number; col: number },
): TypedRuleDocument {
  const spec = d.veritrail as Doc;
  if (typeof spec.type !== 'string')
    throw new CompileError(
      'invalid_field',
      ['veritrail', 'type'],
      `'veritrail.type' must be a string`,
    );
  const meta = ruleMeta(d, file, line, false, true);
  const ls = d.logsource === undefined ? undefined : logsource(d);
  const match =
    d.detection === undefined
      ? undefined
      : compileDetection(d.detection, ['detection'], {
          placeholders,
          aliases: ls === undefined ? () => [] : fieldAliases(ls),
        });
  return {
    kind: 'typed',
    type: spec.type,
    meta,
    ...(ls !== undefined ? { logsource: ls } : {}),
    ...(match !== undefined ? { match } : {}),
    spec,
    locate: (path) => {
      const p = locate(path);
      return { line: p.line, column: p.col };
    },
  };
}

function parseFilter(
  d: Doc,
  file: string,
  line: number,
  placeholders: LoadOptions['placeholders'] & object,
): SigmaFilter {
  const t = title(d);
  const id = optString(d, 'id', 256);
  const ls = logsource(d);
  const f = d.filter;
  if (!isMap(f))
    throw new CompileError(
      'invalid_filter',
      ['filter'],
      `'filter' must be a map with rules, search identifiers and a condition`,
    );
  // `rules: any` (specification v2.2.0): every rule of the filter's logsource.
  const rules = f.rules === 'any' ? 'any' : stringList(f, 'rules');
  if (rules.length === 0)
    throw new CompileError(
      'invalid_filter',
      ['filter', 'rules'],
      `'filter.rules' must list the ids or names of the rules it applies to`,
    );
  const match = compileDetection(f, ['filter'], { placeholders, aliases: fieldAliases(ls) }, [
    'condition',
    'rules',
  ]);
  return {
    kind: 'filter',
    title: t,
    ...(id !== undefined ? { id } : {}),
    logsource: ls,
    rules,
    match,
    file,
    line,
  };
}
