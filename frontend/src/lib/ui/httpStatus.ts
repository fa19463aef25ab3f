import { ApiError } from '../api';

const HTTP_NOT_FOUND = 404;

/** A 404: the endpoint (or the thing asked for) is not on this server. */
export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === HTTP_NOT_FOUND;
}
