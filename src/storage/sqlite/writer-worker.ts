/**
 * Worker-thread entry: owns the write connection and the AppendWriter. Messages are handled one
 * at a time, in order; each batch is one durable transaction before its reply is posted.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppendWriter, type AppendRow } from './append-writer.js';
import { openDatabase } from './open-database.js';

export interface WriteRequest {
  readonly id: number;
  readonly rows?: readonly AppendRow[];
  readonly close?: true;
}

const port = parentPort;
if (port) {
  const db = openDatabase((workerData as { file: string }).file);
  const writer = new AppendWriter(db);
  port.on('message', (msg: WriteRequest) => {
    if (msg.close) {
      db.close();
      port.postMessage({ id: msg.id, results: [] });
      port.close();
      return;
    }
    try {
      port.postMessage({ id: msg.id, results: writer.append(msg.rows ?? []) });
    } catch (e) {
      port.postMessage({ id: msg.id, error: (e as Error).message });
    }
  });
}
