/**
 * Worker-thread entry: owns the write connection and the AppendWriter. Requests are applied in
 * arrival order. When several are already waiting, they are merged into one transaction (up
 * to MERGE_ROWS rows): a commit's cost is dominated by the index pages it dirties, so one
 * commit of 4,000 rows costs far less than four of 1,000 (bench/). Each reply is posted only
 * after the transaction that holds its rows is durable.
 */
import {
  parentPort,
  receiveMessageOnPort,
  workerData,
  type MessagePort,
} from 'node:worker_threads';
import { AppendWriter } from './append-writer.js';
import { openDatabase } from './open-database.js';
import { decodeBatch, encodeResults, type EncodedBatch } from './row-codec.js';

export interface WriteRequest {
  readonly id: number;
  readonly batch?: EncodedBatch;
  readonly close?: true;
}

const MERGE_ROWS = 8000;

function run(port: MessagePort): void {
  const db = openDatabase((workerData as { file: string }).file);
  const writer = new AppendWriter(db);
  const reply = (id: number, results: ReturnType<typeof encodeResults>) =>
    port.postMessage({ id, results }, [
      results.seqs.buffer,
      results.hashes.buffer,
      results.duplicates.buffer,
    ] as ArrayBuffer[]);

  const handle = (first: WriteRequest): void => {
    const group: WriteRequest[] = [first];
    let rows = first.batch?.n ?? 0;
    let closing = first.close === true;
    while (!closing && rows < MERGE_ROWS) {
      const next = receiveMessageOnPort(port)?.message as WriteRequest | undefined;
      if (!next) break;
      group.push(next);
      rows += next.batch?.n ?? 0;
      closing = next.close === true;
    }
    const appends = group.filter((m) => m.batch);
    try {
      const results = writer.append(appends.flatMap((m) => decodeBatch(m.batch!)));
      let at = 0;
      for (const m of appends) {
        reply(m.id, encodeResults(results.slice(at, at + m.batch!.n)));
        at += m.batch!.n;
      }
    } catch (e) {
      for (const m of appends) port.postMessage({ id: m.id, error: (e as Error).message });
    }
    const close = group.find((m) => m.close);
    if (close) {
      db.close();
      reply(close.id, encodeResults([]));
      port.close();
    }
  };
  port.on('message', handle);
}

if (parentPort) run(parentPort);
