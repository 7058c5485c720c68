/** Runs one request per id (a few at a time) and collects every outcome, failures included. */
import { catchError, from, map, mergeMap, type Observable, of, toArray } from 'rxjs';
import { ApiError } from './api-error';

export interface BulkOutcome<R> {
  id: string;
  result?: R;
  error?: ApiError;
}

export function forEachId<R>(ids: readonly string[], op: (id: string) => Observable<R>, concurrency = 4) {
  return from(ids).pipe(
    mergeMap(
      (id) =>
        op(id).pipe(
          map((result): BulkOutcome<R> => ({ id, result })),
          catchError((error: unknown) => of<BulkOutcome<R>>({ id, error: ApiError.from(error) })),
        ),
      concurrency,
    ),
    toArray(),
  );
}
