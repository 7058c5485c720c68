import { Column, Entity, Index } from 'typeorm';
import { JsonColumn, TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../dialect';

/**
 * A deleted deployment, work pool, work queue or concurrency limit, kept for a day so that the live
 * events of other processes (their change feed) and a client's catch-up learn about the deletion.
 */
@Entity('deleted_object')
export class DeletedObjectEntity {
  @UuidPrimaryColumn()
  id: string;

  /** When the object was deleted (the change feed reads by it). */
  @TimestampColumn()
  @Index('ix_deleted_object_deleted')
  deleted: Date;

  /** The event resource: `deployment`, `work-pool`, `work-queue` or `concurrency-limit`. */
  @Column({ type: 'varchar', length: 32 })
  resource: string;

  @UuidColumn()
  objectId: string;

  /** What the `*.deleted` event carries besides the id (name, tag, pool). */
  @JsonColumn()
  payload: Record<string, unknown>;
}
