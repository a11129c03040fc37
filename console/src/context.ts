/** What every view gets: the API client, the session, and a way to show errors. */
import { ApiError, type Api } from './api.js';
import { h, replace } from './dom.js';
import type { Session } from './session.js';

export interface Ctx {
  readonly api: Api;
  readonly session: Session;
  /** The `tenant` parameter for API calls: undefined for a key without a chosen tenant. */
  tenant(): string | undefined;
  /** A view saw which tenant the server answered for (a key's own): shown in the header. */
  learnTenant(tenant: string): void;
}

/** A view renders into `root` and returns what to stop when the user leaves it. */
export type View = (ctx: Ctx, root: HTMLElement) => (() => void) | void;

export const errorBox = (): HTMLElement =>
  h('div', { class: 'error', role: 'alert', hidden: true });

/** Shows an API error: code and message, the issues by field, a caret under a query column. */
export function showError(box: HTMLElement, e: unknown, query?: string): void {
  box.hidden = false;
  if (!(e instanceof ApiError)) {
    replace(box, h('strong', {}, 'Error: '), e instanceof Error ? e.message : String(e));
    return;
  }
  const title =
    e.status === 401
      ? 'Invalid token: '
      : e.status === 403
        ? 'Not allowed: '
        : e.code === 'invalid_query'
          ? 'Invalid query: '
          : `${e.code}: `;
  // The server's message may start with what the title already says.
  const message = e.message.replace(/^invalid query: /, '');
  replace(box, h('strong', {}, title), h('span', { class: 'message' }, message));
  const column = /at column (\d+)/.exec(e.message);
  if (query !== undefined && column && e.code === 'invalid_query') {
    const at = Math.max(0, Number(column[1]) - 1);
    box.appendChild(h('pre', { class: 'caret' }, `${query}\n${' '.repeat(at)}^`));
  }
  const details = e.details.filter((d) => !e.message.includes(d.message));
  if (details.length > 0) {
    box.appendChild(
      h('ul', {}, ...details.map((d) => h('li', {}, h('code', {}, d.path), ` ${d.message}`))),
    );
  }
}

export function hideError(box: HTMLElement): void {
  box.hidden = true;
  replace(box);
}
