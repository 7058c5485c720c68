import { Column, Entity, Index } from 'typeorm';
import { JsonColumn, TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../dialect';

/** Where deployment runs are executed: workers poll a pool's queues. */
@Entity('work_pool')
@Index('ix_work_pool_updated', ['updated'])
export class WorkPoolEntity {
  @UuidPrimaryColumn()
  id: string;

  @TimestampColumn()
  created: Date;

  @TimestampColumn()
  updated: Date;

  @Column({ type: 'varchar', length: 255 })
  @Index('uq_work_pool_name', { unique: true })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** The kind of infrastructure (`process`: a child process per run). */
  @Column({ type: 'varchar', length: 64, default: 'process' })
  type: string;

  @Column({ type: 'boolean', default: false })
  paused: boolean;

  @Column({ type: 'integer', nullable: true })
  concurrencyLimit: number | null;

  @UuidColumn({ nullable: true })
  defaultQueueId: string | null;

  @JsonColumn()
  baseJobTemplate: Record<string, unknown>;
}
