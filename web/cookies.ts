/**
 * The session cookie, read and written by hand: one cookie does not need a plugin (and
 * @fastify/cookie 11.1 loads its parser with a dynamic ESM import that jest's CommonJS cannot run).
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

export function sessionCookie(
  name: string,
  value: string,
  o: { secure: boolean; maxAgeSeconds: number },
): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${o.maxAgeSeconds}`,
    ...(o.secure ? ['Secure'] : []),
  ].join('; ');
}
