// The only place in web/ that calls fetch: takes a path built with model/api/paths.ts, parses JSON
// (exactly, for 64-bit integers) and throws ApiError with what the server said on any non-2xx answer.

import { CLI_NEXT_CURSOR_HEADER } from '@model/api/dataplane-views.ts';
import type { ApiErrorBody } from '@model/api/errors.ts';
import { parseExactJson } from './exact-json.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly detail: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** `url` is a path of the UI server, e.g. `explorerApi.members.path({ uuid })`. */
export async function apiFetch<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  } catch (err) {
    throw new ApiError(0, 'The UI server is unreachable', (err as Error).message, url);
  }
  const text = await res.text();
  if (!res.ok) throw errorFrom(res, text, url);
  try {
    return parseExactJson(text) as T;
  } catch {
    throw new ApiError(res.status, 'The server sent a body that is not JSON', text.slice(0, 300), url);
  }
}

/**
 * A plain-text answer (the vRouter CLI endpoints), with the same errors as apiFetch: the text and,
 * for a paged one, the next page's cursor (`X-Next-Cursor`), null on the last.
 */
export async function apiFetchTextPage(url: string): Promise<{ text: string; cursor: string | null }> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'text/plain, application/json' } });
  } catch (err) {
    throw new ApiError(0, 'The UI server is unreachable', (err as Error).message, url);
  }
  const text = await res.text();
  if (!res.ok) throw errorFrom(res, text, url);
  return { text, cursor: res.headers.get(CLI_NEXT_CURSOR_HEADER) || null };
}

export function putJson<T>(path: string, body: unknown): Promise<T> {
  return apiFetch<T>(path, {
    method: 'PUT',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
}

export function postJson<T>(path: string, body: unknown): Promise<T> {
  return apiFetch<T>(path, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
}

function errorFrom(res: Response, text: string, url: string): ApiError {
  // The UI server answers {error, detail, status}; the config API itself answers plain text.
  if ((res.headers.get('content-type') ?? '').includes('json')) {
    try {
      const body = JSON.parse(text) as Partial<ApiErrorBody> | null;
      if (body && typeof body === 'object' && (body.error || body.detail))
        return new ApiError(res.status, body.error ?? res.statusText, body.detail ?? '', url);
    } catch {
      // fall through to the plain-text form
    }
  }
  return new ApiError(res.status, res.statusText || `HTTP ${res.status}`, text.trim().slice(0, 500), url);
}
