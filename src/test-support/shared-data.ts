/**
 * `../shared` beside the repository holds public data the tests run on (real audit log samples,
 * the SigmaHQ rules, published test vectors). A clone on its own has none: the suites that need
 * it are skipped then, and their names say why.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHARED_DIR = fileURLToPath(new URL('../../../shared/', import.meta.url));

export interface SharedData {
  /** The absolute path of `../shared/<rel>`. */
  readonly path: string;
  readonly present: boolean;
  /** A suite's name, with the reason when it is skipped. */
  title(name: string): string;
}

export function sharedData(rel: string): SharedData {
  const path = join(SHARED_DIR, rel);
  const present = existsSync(path);
  return {
    path,
    present,
    title: (name) =>
      present ? name : `${name} (skipped: ../shared/${rel} is missing beside the repository)`,
  };
}
