/**
 * Task-run calls made in the same turn of the event loop (many submitted tasks starting or finishing
 * together) travel in one `POST /api/task-runs/batch` request instead of one request each; a lone
 * call goes out as a plain request. Every operation is answered on its own, so each caller gets its
 * own result or typed error, exactly as without batching. Retries are safe: creates are idempotent
 * on their keys and state proposals carry transition ids.
 */
import { errorFromBody, type ErrorBody } from '@rigel/server/contract';

export interface BatchOperation {
  op: 'create' | 'set-state';
  id?: string;
  body: Record<string, unknown>;
}

interface Pending {
  operation: BatchOperation;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export const MAX_BATCH = 200;

export class TaskBatcher {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(
    /** Sends one operation on its own route (no batching). */
    private readonly single: (operation: BatchOperation) => Promise<unknown>,
    /** Sends several operations to the batch route; resolves to one { status, body } each. */
    private readonly many: (operations: BatchOperation[]) => Promise<{ status: number; body: unknown }[]>,
  ) {}

  submit(operation: BatchOperation): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ operation, resolve, reject });
      if (this.queue.length >= MAX_BATCH) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    if (batch.length === 1) {
      const [only] = batch;
      this.single(only!.operation).then(only!.resolve, only!.reject);
      return;
    }
    this.many(batch.map((p) => p.operation)).then(
      (answers) =>
        batch.forEach((pending, i) => {
          const answer = answers[i];
          if (answer && answer.status >= 200 && answer.status < 300) pending.resolve(answer.body);
          else if ((answer?.body as ErrorBody | undefined)?.error?.code)
            pending.reject(errorFromBody(answer!.body as ErrorBody));
          else pending.reject(new Error(`the batch answered ${answer?.status ?? 'nothing'} for this operation`));
        }),
      (error: unknown) => batch.forEach((pending) => pending.reject(error)),
    );
  }
}
