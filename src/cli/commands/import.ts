/** `veritrail import`: read foreign audit logs, map them (src/core/import), send in batches. */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { Command } from 'commander';
import { VeritrailError } from '../../core/errors.js';
import type { EventInput } from '../../core/event/index.js';
import {
  IMPORT_FORMATS,
  importRecords,
  isImportFormat,
  type Skip,
} from '../../core/import/index.js';
import type { Client } from '../http-client.js';
import type { Output } from '../output.js';
import { connect, withConn, type Conn } from './client.js';

const BATCH = 500;
/** Under the server's default 16 MiB body limit, whatever the size of the records. */
const BATCH_BYTES = 8 * 1024 * 1024;
const SHOWN_SKIPS = 20;

interface FileReport {
  file: string;
  imported: number;
  duplicates: number;
  skipped: number;
  /** Lines that are not audit records (pgaudit: other PostgreSQL log lines). */
  ignored: number;
  skips: Skip[];
}

/** Text of a file, gunzipped when it starts with the gzip magic bytes (RFC 1952 §2.3.1). */
async function readText(file: string): Promise<string> {
  const buf = await readFile(file);
  const data = buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b ? gunzipSync(buf) : buf;
  return data.toString('utf8');
}

async function send(
  client: Client,
  file: string,
  events: EventInput[],
): Promise<{ imported: number; duplicates: number }> {
  let imported = 0;
  let duplicates = 0;
  let start = 0;
  while (start < events.length) {
    let end = start;
    let bytes = 0;
    while (end < events.length && end - start < BATCH) {
      const size = Buffer.byteLength(JSON.stringify(events[end]));
      if (end > start && bytes + size > BATCH_BYTES) break;
      bytes += size;
      end++;
    }
    try {
      const r = await client.request<{ events: { duplicate?: boolean }[] }>('POST', '/v1/events', {
        events: events.slice(start, end),
      });
      for (const e of r.events) {
        if (e.duplicate) duplicates++;
        else imported++;
      }
    } catch (e) {
      if (e instanceof VeritrailError)
        throw new VeritrailError(
          e.code,
          `${file}: the server refused events ${start + 1}-${end} (${imported} imported before): ${e.message}`,
          e.details,
        );
      throw e;
    }
    start = end;
  }
  return { imported, duplicates };
}

const where = (s: Skip) =>
  s.line !== null ? `line ${s.line}` : s.index !== null ? `record ${s.index}` : 'file';

function human(r: FileReport): string {
  const lines = [
    `${r.file}: imported ${r.imported}, duplicates ${r.duplicates}, skipped ${r.skipped}${r.ignored > 0 ? `, ignored ${r.ignored} other lines` : ''}`,
  ];
  for (const s of r.skips.slice(0, SHOWN_SKIPS)) lines.push(`  ${where(s)}: ${s.reason}`);
  if (r.skipped > SHOWN_SKIPS) lines.push(`  ... ${r.skipped - SHOWN_SKIPS} more skipped`);
  return lines.join('\n');
}

export function importCommand(program: Command, out: () => Output): void {
  withConn(program.command('import <files...>'))
    .description(
      `import audit records of another format into the server (formats: ${IMPORT_FORMATS.join(', ')}; gzip accepted)`,
    )
    .requiredOption('--format <format>', `one of ${IMPORT_FORMATS.join(', ')}`)
    .option('--tenant <tenant>', "tenant of the events (default: the key's own)")
    .action(async (files: string[], o: Conn & { format: string; tenant?: string }) => {
      if (!isImportFormat(o.format))
        throw new VeritrailError(
          'validation_failed',
          `--format must be one of ${IMPORT_FORMATS.join(', ')}`,
        );
      const format = o.format;
      const client = connect(o);
      const reports: FileReport[] = [];
      for (const file of files) {
        const text = await readText(file);
        const r = importRecords(format, text, o.tenant !== undefined ? { tenant: o.tenant } : {});
        const sent = await send(client, file, r.events);
        const report = {
          file,
          ...sent,
          skipped: r.skipped.length,
          ignored: r.ignored ?? 0,
          skips: r.skipped,
        };
        reports.push(report);
      }
      out().result({ files: reports }, () => reports.map(human).join('\n'));
    });
}
