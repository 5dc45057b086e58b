/** fetch wrapper for the admin API: JSON in and out, errors as ApiError with the server's code. */
import type { ApiErrorDto } from '../../../src/server/protocol.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorDto,
  ) {
    super(body.message);
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

let onUnauthorized: () => void = () => undefined;

/** Called when an admin request comes back 401 (session expired): the page shows the login form. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

export async function api<T>(method: Method, url: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { accept: 'application/json', 'content-type': 'application/json' };
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let data: unknown;
  try {
    data = text === '' ? null : JSON.parse(text);
  } catch {
    data = { error: 'bad-reply', message: text.slice(0, 200) };
  }
  if (!res.ok) {
    const err = (data ?? { error: 'http', message: res.statusText }) as ApiErrorDto;
    if (res.status === 401 && url.startsWith('/api/admin/')) onUnauthorized();
    throw new ApiError(res.status, err);
  }
  return data as T;
}

/** One line for the page: the server's message plus the first field problems. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const issues = err.body.issues?.map((i) => `${i.path}: ${i.message}`).join('; ');
    return issues ? `${err.body.message} (${issues})` : err.body.message;
  }
  return err instanceof Error ? err.message : String(err);
}
