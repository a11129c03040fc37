/** The only place the CLI prints. Human text by default; `--json` prints one JSON document. */
import type { Issue } from '../core/errors.js';

export interface Output {
  readonly json: boolean;
  /** A result: JSON document with --json, else the human rendering. */
  result(value: unknown, human: () => string): void;
  /** One record of a stream: a compact JSON line with --json (JSONL), else the human line. */
  record(value: unknown, human: () => string): void;
  /** Progress and notices for people (stderr, so stdout stays clean for pipes). */
  info(line: string): void;
  error(message: string, details?: readonly Issue[], code?: string): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    result(value, human) {
      process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
    },
    record(value, human) {
      process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
    },
    info(line) {
      if (!json) process.stderr.write(`${line}\n`);
    },
    error(message, details = [], code = 'failed') {
      if (json) {
        process.stdout.write(`${JSON.stringify({ error: { code, message, details } }, null, 2)}\n`);
        return;
      }
      process.stderr.write(`error: ${message}\n`);
      for (const d of details) process.stderr.write(`  ${d.path}: ${d.message}\n`);
    },
  };
}

export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  '))
    .join('\n');
}
