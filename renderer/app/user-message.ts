import { TandemError } from '../../shared/api/errors.ts';

/**
 * A sentence a radiologist can act on, for any error. Server messages are already written for
 * people; bare statuses and unexpected exceptions get a plain explanation, never a stack trace.
 */
export function userMessage(error: unknown): string {
  if (error instanceof TandemError) {
    const status = error.status;
    if (status !== undefined && error.message === `The server answered ${status}.`) {
      return messageForStatus(status);
    }
    return error.message;
  }
  return 'Something unexpected went wrong. Try again; if it keeps happening, tell your administrator.';
}

export function messageForStatus(status: number): string {
  if (status === 401) return 'Your session has expired. Sign in again.';
  if (status === 403) return 'You do not have access to this. It may be assigned to someone else.';
  if (status === 404)
    return 'This was not found on the server. It may have been withdrawn or reassigned.';
  if (status >= 500) return `The server had a problem (${status}). Try again in a moment.`;
  return `The server refused the request (${status}).`;
}
