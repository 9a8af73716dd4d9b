import type { FastifyError, FastifyInstance } from 'fastify';

/** Stable error codes for HTTP answers; clients and tests match on `code`, not on messages. */
export const HttpErrors = {
  badRequest: { status: 400, code: 'bad_request' },
  unauthorized: { status: 401, code: 'unauthorized' },
  forbidden: { status: 403, code: 'invalid_signature' },
  notFound: { status: 404, code: 'not_found' },
  methodNotAllowed: { status: 405, code: 'method_not_allowed' },
  payloadTooLarge: { status: 413, code: 'payload_too_large' },
  unsupportedMediaType: { status: 415, code: 'unsupported_media_type' },
  tooManyRequests: { status: 429, code: 'rate_limited' },
  unavailable: { status: 503, code: 'unavailable' },
  internal: { status: 500, code: 'internal' },
} as const;

export type HttpErrorKind = keyof typeof HttpErrors;

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(kind: HttpErrorKind, message: string) {
    super(message);
    this.status = HttpErrors[kind].status;
    this.code = HttpErrors[kind].code;
  }
}

function fromFastify(err: FastifyError): HttpError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError('payloadTooLarge', 'body exceeds 64 KiB');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError('unsupportedMediaType', 'expected application/x-www-form-urlencoded');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return new HttpError('badRequest', 'malformed body');
    default:
      if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
        // Fastify's own messages can quote the request; the code is enough for a client.
        return new HttpError('badRequest', 'malformed request');
      }
      return undefined;
  }
}

/** One error handler: known errors keep their status and code, anything else is a 500 without detail. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const known = err instanceof HttpError ? err : fromFastify(err);
    if (known) {
      request.log.info({ code: known.code, route: request.routeOptions.url }, known.message);
      return reply.code(known.status).send({ error: known.code, message: known.message });
    }
    request.log.error({ err, route: request.routeOptions.url }, 'unhandled error');
    return reply.code(500).send({ error: HttpErrors.internal.code, message: 'internal error' });
  });
  app.setNotFoundHandler((request, reply) => {
    const allow = allowedMethods(app, request.url);
    if (allow.length > 0) {
      return reply
        .code(HttpErrors.methodNotAllowed.status)
        .header('allow', allow.join(', '))
        .send({ error: HttpErrors.methodNotAllowed.code, message: 'method not allowed' });
    }
    return reply.code(404).send({ error: HttpErrors.notFound.code, message: 'no such route' });
  });
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

/** Fastify answers 404 for a known path with another method; RFC 9110 wants 405 and `Allow`. */
function allowedMethods(app: FastifyInstance, url: string): string[] {
  const path = url.split('?', 1)[0] ?? '';
  return METHODS.filter((method) => app.hasRoute({ method, url: path }));
}
