/** A failed API request as the pages show it: the server's error code, message and field errors. */
import { HttpErrorResponse } from '@angular/common/http';

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldError[] = [],
  ) {
    super(message);
  }

  /** Builds the error from whatever HttpClient reported, with a message a newcomer can act on. */
  static from(error: unknown): ApiError {
    if (error instanceof ApiError) return error;
    if (!(error instanceof HttpErrorResponse)) return new ApiError(0, 'CLIENT', String(error));
    if (error.status === 0) {
      return new ApiError(0, 'UNREACHABLE', 'Cannot reach the Rigel server. Is it running (npx rigel-server start)?');
    }
    const body = error.error as { error?: { code?: string; message?: string; details?: FieldError[] } } | null;
    const code = body?.error?.code ?? `HTTP_${error.status}`;
    let message = body?.error?.message ?? error.message;
    if (error.status === 401) message = 'This server requires an API key: set it in Settings.';
    return new ApiError(error.status, code, message, body?.error?.details ?? []);
  }
}
