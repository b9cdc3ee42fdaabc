/**
 * A small HTTP client for tests of the web app over a real socket (Fastify's inject uses
 * light-my-request, whose cookie parser is ESM-only and cannot load under jest's CommonJS).
 */
export interface Reply {
  statusCode: number;
  headers: Headers;
  body: string;
  json(): any;
  /** The Set-Cookie header, parsed: name, value and attributes. */
  setCookie?: { name: string; value: string; attributes: string[] };
}

export interface Request {
  method?: string;
  url: string;
  cookie?: Record<string, string>;
  headers?: Record<string, string>;
  /** JSON unless `form` is set; a string is sent as it is (a form body). */
  payload?: unknown;
  form?: boolean;
}

export function httpClient(base: string) {
  return async (r: Request): Promise<Reply> => {
    const headers: Record<string, string> = { ...r.headers };
    if (r.cookie)
      headers.cookie = Object.entries(r.cookie)
        .map(([k, v]) => `${k}=${v}`)
        .join('; ');
    let body: string | undefined;
    if (r.payload !== undefined) {
      const asForm = r.form || typeof r.payload === 'string';
      headers['content-type'] = asForm ? 'application/x-www-form-urlencoded' : 'application/json';
      body =
        typeof r.payload === 'string'
          ? r.payload
          : asForm
            ? new URLSearchParams(r.payload as Record<string, string>).toString()
            : JSON.stringify(r.payload);
    }
    const res = await fetch(base + r.url, { method: r.method ?? 'GET', headers, body, redirect: 'manual' });
    const text = await res.text();
    const raw = res.headers.get('set-cookie');
    const [pair, ...attributes] = (raw ?? '').split(';').map((s) => s.trim());
    const eq = pair?.indexOf('=') ?? -1;
    return {
      statusCode: res.status,
      headers: res.headers,
      body: text,
      json: () => JSON.parse(text),
      setCookie:
        raw && pair && eq > 0
          ? { name: pair.slice(0, eq), value: decodeURIComponent(pair.slice(eq + 1)), attributes }
          : undefined,
    };
  };
}
