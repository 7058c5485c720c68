import { Column, Entity, Index } from 'typeorm';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../dialect';

/** Cache entries written by CacheInsertion and read by CacheRetrieval. */
@Entity('task_run_state_cache')
@Index('ix_task_run_state_cache_key', ['cacheKey', 'created'])
export class TaskRunStateCacheEntity {
  @UuidPrimaryColumn()
  id: string;

  @TimestampColumn()
  created: Date;

  @Column({ type: 'varchar', length: 2000 })
  cacheKey: string;

  @TimestampColumn({ nullable: true })
  cacheExpiration: Date | null;

  /** The cached COMPLETED state (its task run may since have been deleted; the entry then misses). */
  @UuidColumn()
  taskRunStateId: string;
}
