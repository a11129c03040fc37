/** Review tasks and reviews on PostgreSQL (docs/reviews.md). */
import type pg from 'pg';
import type {
  ReviewRecord,
  ReviewSignOff,
  ReviewStore,
  ReviewTaskRecord,
} from '../../app/ports.js';
import { pgError } from './connect.js';
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
import { run } from './pg-side-stores.js';

const marks = (cols: string) =>
  cols
    .split(', ')
    .map((_, i) => `$${i + 1}`)
    .join(', ');

export class PgReviewStore implements ReviewStore {
  constructor(private readonly pool: pg.Pool) {}

  async createTask(t: ReviewTaskRecord): Promise<void> {
    await run(
      this.pool,
      `INSERT INTO review_tasks (${TASK_COLS}) VALUES (${marks(TASK_COLS)})`,
      taskValues(t),
      'storing a review task',
    );
  }

  async tasks(tenant: string | undefined): Promise<ReviewTaskRecord[]> {
    const r =
      tenant === undefined
        ? await run<TaskRow>(
            this.pool,
            `SELECT ${TASK_COLS} FROM review_tasks ORDER BY id`,
            [],
            'listing review tasks',
          )
        : await run<TaskRow>(
            this.pool,
            `SELECT ${TASK_COLS} FROM review_tasks WHERE tenant = $1 ORDER BY id`,
            [tenant],
            'listing review tasks',
          );
    return r.rows.map(toTask);
  }

  async open(review: ReviewRecord, opened: number): Promise<boolean> {
    const c = await this.pool.connect().catch((e: unknown) => {
      throw pgError(e, 'connecting');
    });
    try {
      await c.query('BEGIN');
      const moved = await c.query(
        'UPDATE review_tasks SET opened = $1 WHERE id = $2 AND opened = $3',
        [opened, review.taskId, opened - 1],
      );
      if (moved.rowCount !== 1) {
        await c.query('ROLLBACK');
        return false;
      }
      await c.query(
        `INSERT INTO reviews (${REVIEW_INSERT_COLS}) VALUES (${marks(REVIEW_INSERT_COLS)})`,
        reviewValues(review),
      );
      await c.query('COMMIT');
      return true;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw pgError(e, 'opening a review');
    } finally {
      c.release();
    }
  }

  async get(id: string): Promise<ReviewRecord | undefined> {
    const r = await run<ReviewRow>(
      this.pool,
      `SELECT ${REVIEW_COLS} FROM reviews WHERE id = $1`,
      [id],
      'reading a review',
    );
    const row = r.rows[0];
    return row && toReview(row);
  }

  async list(
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
    const r = await run<ReviewRow>(
      this.pool,
      `SELECT ${REVIEW_COLS} FROM reviews WHERE tenant = $1${cond} ORDER BY id DESC LIMIT $2`,
      [tenant, limit],
      'listing reviews',
    );
    return r.rows.map(toReview);
  }

  async signOff(id: string, s: ReviewSignOff): Promise<boolean> {
    const r = await run(
      this.pool,
      `UPDATE reviews SET decision = $1, note = $2, signed_by = $3, signed_at = $4
       WHERE id = $5 AND decision IS NULL`,
      [s.decision, s.note, s.by, s.at, id],
      'signing off a review',
    );
    return r.rowCount === 1;
  }
}
