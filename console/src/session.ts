/**
 * The signed-in session, in sessionStorage only: it ends with the tab, is not sent anywhere by
 * the browser (no cookie), and is removed on logout.
 */
const KEY = 'veritrail.console.session';

export interface Session {
  readonly token: string;
  /** `admin`: the admin token (any tenant); `key`: an API key (its own tenant). */
  readonly kind: 'admin' | 'key';
  /** The tenant to show; '' for a key: the server uses the key's own. */
  tenant: string;
}

/** API keys look like `vt_<12>_<43>` (docs/api.md); anything else is tried as the admin token. */
export const kindOf = (token: string): Session['kind'] =>
  /^vt_[A-Za-z0-9]{12}_/.test(token) ? 'key' : 'admin';

export function loadSession(): Session | undefined {
  const raw = sessionStorage.getItem(KEY);
  if (raw === null) return undefined;
  try {
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.token !== 'string' || typeof s.tenant !== 'string') return undefined;
    return { token: s.token, kind: kindOf(s.token), tenant: s.tenant };
  } catch {
    return undefined;
  }
}

export function saveSession(s: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify({ token: s.token, tenant: s.tenant }));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
