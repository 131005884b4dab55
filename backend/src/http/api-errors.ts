import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ErrorBody } from '../../../shared/api/contract.ts';
import { TandemError } from '../../../shared/api/errors.ts';

/**
 * Every error the backend answers with has the contract's shape `{error: {code, message}}` and a
 * message a person can act on. A malformed request is a 4xx, never a 500.
 */
export function httpError(status: number, code: string, message: string): TandemError {
  return new TandemError(code, message, status);
}

export function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
): FastifyReply {
  const body: ErrorBody = { error: { code, message } };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** Parses `value` with a zod schema; a mismatch becomes a 400 saying what is wrong and where. */
export function parseRequest<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw httpError(
    400,
    'invalid-request',
    `The ${what} is not valid: ${describeIssues(parsed.error)}.`,
  );
}

/** Validates a response against its contract schema before it leaves the server. */
export function checkResponse<T extends z.ZodType>(schema: T, value: z.input<T>): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  // Paths and codes only: the values could be patient data.
  const where = parsed.error.issues
    .map((i) => `${i.path.join('.') || '(root)'}:${i.code}`)
    .join(', ');
  throw new ResponseContractError(where);
}

export class ResponseContractError extends Error {
  constructor(where: string) {
    super(`response does not match its contract at ${where}`);
    this.name = 'ResponseContractError';
  }
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
        return `${where}unexpected field${issue.keys.length > 1 ? 's' : ''} ${keys}`;
      }
      return `${where}${issue.message}`;
    })
    .join('; ');
}

const FRAMEWORK_MESSAGES: Record<string, [number, string, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'malformed-json', 'The request body is not valid JSON.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [
    400,
    'malformed-json',
    'The request body is empty; send a JSON object (or no Content-Type header).',
  ],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    415,
    'unsupported-media-type',
    'This kind of request body is not accepted here; send JSON (Content-Type: application/json).',
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body-too-large', 'The request body is too large.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    400,
    'bad-content-length',
    'The request body does not match its Content-Length header.',
  ],
  FST_ERR_BAD_URL: [400, 'bad-url', 'The request address is malformed.'],
  FST_ERR_ASYNC_CONSTRAINT: [400, 'bad-request', 'The request could not be routed.'],
};

export function errorBodyFor(error: FastifyError | Error): {
  status: number;
  code: string;
  message: string;
} {
  if (error instanceof TandemError) {
    return { status: error.status ?? 500, code: error.code, message: error.message };
  }
  const fe = error as FastifyError;
  const mapped = fe.code ? FRAMEWORK_MESSAGES[fe.code] : undefined;
  if (mapped) return { status: mapped[0], code: mapped[1], message: mapped[2] };
  if (error instanceof SyntaxError && fe.statusCode === 400) {
    return { status: 400, code: 'malformed-json', message: 'The request body is not valid JSON.' };
  }
  const status = fe.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, code: 'bad-request', message: `The request was refused (HTTP ${status}).` };
  }
  return {
    status: 500,
    code: 'internal',
    message:
      'Something went wrong on the server. Try again; if it keeps happening, tell your administrator.',
  };
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, code, message } = errorBodyFor(error);
    if (status >= 500) {
      // No request data in the log: only what failed and where in our code.
      request.log.error(
        { err: { name: error.name, code: (error as FastifyError).code, stack: error.stack } },
        'request failed',
      );
    }
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.destroy();
      return;
    }
    return sendError(reply, status, code, message);
  });
}

/**
 * Answers a request Node's HTTP parser refused (malformed HTTP, oversized headers, a request
 * that took too long) in the contract's error shape, as Fastify's default handler does in its own.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const [status, reason, code, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'request-timeout', 'The request took too long to arrive.']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [
            431,
            'Request Header Fields Too Large',
            'headers-too-large',
            'The request headers are too large.',
          ]
        : [400, 'Bad Request', 'malformed-request', 'The request is not valid HTTP.'];
  const body = JSON.stringify({ error: { code, message } } satisfies ErrorBody);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
  );
}
