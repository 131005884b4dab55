/**
 * An error a user can act on: a stable code for programs and a message for people.
 * Never carries PHI.
 */
export class TandemError extends Error {
  readonly code: string;
  readonly status: number | undefined;

  constructor(code: string, message: string, status?: number) {
    super(message);
    this.name = 'TandemError';
    this.code = code;
    this.status = status;
  }
}
