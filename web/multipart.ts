/**
 * A form that uploads a file (`enctype="multipart/form-data"`, RFC 7578), read without a plugin:
 * the body (already capped by Fastify's body limit) is split at its boundary into fields; a part
 * with a filename becomes `{ filename, text, bytes }` (text: as UTF-8; bytes: as sent), every other part a string. Only the
 * upload routes register it (an encapsulated context), so no other route reads multipart.
 */
import type { FastifyInstance } from 'fastify';

export interface UploadedFile {
  filename: string;
  text: string;
  bytes: Buffer;
}

export type MultipartFields = Record<string, string | UploadedFile>;

const MAX_PARTS = 20;

function badRequest(message: string): Error & { statusCode: number } {
  return Object.assign(new Error(message), { statusCode: 400 });
}

/** The fields of a multipart/form-data body; throws a 400 error for a body that is not one. */
export function parseMultipart(body: Buffer, contentType: string | undefined): MultipartFields {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) throw badRequest('the upload has no multipart boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const fields: MultipartFields = {};
  let at = body.indexOf(delimiter);
  if (at < 0) throw badRequest('the upload is not multipart/form-data');
  for (let parts = 0; parts < MAX_PARTS; parts++) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') return fields; // the closing delimiter
    at += 2; // CRLF after the delimiter
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), at);
    if (next < 0) throw badRequest('the upload ended before its closing boundary');
    const part = body.subarray(at, next);
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) throw badRequest('an upload part has no headers');
    const head = part.subarray(0, split).toString('utf8');
    const content = part.subarray(split + 4);
    const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(head)?.[1] ?? '';
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    if (name && !name.startsWith('$') && !(name in fields))
      fields[name] =
        filename !== undefined
          ? {
              filename: filename.replace(/^.*[\\/]/, ''),
              text: content.toString('utf8'),
              bytes: Buffer.from(content),
            }
          : content.toString('utf8');
    at = next + 2;
  }
  throw badRequest(`the upload has more than ${MAX_PARTS} fields`);
}

/** Lets the routes of `app` (an encapsulated context) take multipart/form-data bodies up to `limit` bytes. */
export function acceptMultipart(app: FastifyInstance, limit = 2_000_000): void {
  app.addContentTypeParser(
    'multipart/form-data',
    { parseAs: 'buffer', bodyLimit: limit },
    (req, body, done) => {
      try {
        done(null, parseMultipart(body as Buffer, req.headers['content-type']));
      } catch (err) {
        done(err as Error, undefined);
      }
    },
  );
}
