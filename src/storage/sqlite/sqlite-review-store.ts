/** Review tasks and reviews on SQLite (docs/reviews.md). */
import type {
  ReviewRecord,
  ReviewSignOff,
  ReviewStore,
  ReviewTaskRecord,
} from '../../app/ports.js';
import {
  REVIEW_COLS,
  REVIEW_INSERT_COLS,
  reviewValues,
  TASK_COLS,
  taskValues,
  toReview,
  toTask,
  type ReviewRow,
  type TaskRow,
} from '../review-rows.js';
import { VeritrailError } from '../../core/errors.js';
import type { Db } from './open-database.js';

const marks = (cols: string) =>
  cols
    .split(', ')
    .map(() => '?')
    .join(', ');

export class SqliteReviewStore implements ReviewStore {
  constructor(private readonly db: Db) {}

  createTask(t: ReviewTaskRecord): Promise<void> {
    try {
      this.db
        .prepare(`INSERT INTO review_tasks (${TASK_COLS}) VALUES (${marks(TASK_COLS)})`)
        .run(...taskValues(t));
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(
        (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE'
          ? new VeritrailError('conflict', `a review task named ${t.name} exists already`)
          : e instanceof Error
            ? e
            : new Error(String(e)),
      );
    }
  }

  tasks(tenant: string | undefined): Promise<ReviewTaskRecord[]> {
    const rows =
      tenant === undefined
        ? this.db.prepare<[], TaskRow>(`SELECT ${TASK_COLS} FROM review_tasks ORDER BY id`).all()
        : this.db
            .prepare<[string], TaskRow>(
              `SELECT ${TASK_COLS} FROM review_tasks WHERE tenant = ? ORDER BY id`,
            )
            .all(tenant);
    return Promise.resolve(rows.map(toTask));
  }

  open(review: ReviewRecord, opened: number): Promise<boolean> {
    const tx = this.db.transaction(() => {
      const moved = this.db
        .prepare('UPDATE review_tasks SET opened = ? WHERE id = ? AND opened = ?')
        .run(opened, review.taskId, opened - 1);
      if (moved.changes === 0) return false;
      this.db
        .prepare(
          `INSERT INTO reviews (${REVIEW_INSERT_COLS}) VALUES (${marks(REVIEW_INSERT_COLS)})`,
        )
        .run(...reviewValues(review));
      return true;
    });
    return Promise.resolve(tx());
  }

  get(id: string): Promise<ReviewRecord | undefined> {
    const row = this.db
      .prepare<[string], ReviewRow>(`SELECT ${REVIEW_COLS} FROM reviews WHERE id = ?`)
      .get(id);
    return Promise.resolve(row && toReview(row));
  }

  list(
    tenant: string,
    status: 'open' | 'signed_off' | undefined,
    limit: number,
  ): Promise<ReviewRecord[]> {
    const cond =
      status === undefined
        ? ''
        : status === 'open'
          ? ' AND decision IS NULL'
          : ' AND decision IS NOT NULL';
    const rows = this.db
      .prepare<[string, number], ReviewRow>(
        `SELECT ${REVIEW_COLS} FROM reviews WHERE tenant = ?${cond} ORDER BY id DESC LIMIT ?`,
      )
      .all(tenant, limit);
    return Promise.resolve(rows.map(toReview));
  }

  signOff(id: string, s: ReviewSignOff): Promise<boolean> {
    const r = this.db
      .prepare(
        `UPDATE reviews SET decision = ?, note = ?, signed_by = ?, signed_at = ?
         WHERE id = ? AND decision IS NULL`,
      )
      .run(s.decision, s.note, s.by, s.at, id);
    return Promise.resolve(r.changes === 1);
  }
}
