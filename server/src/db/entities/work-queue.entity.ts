import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../dialect';
import { WorkPoolEntity } from './work-pool.entity';

/** A queue in a work pool; workers take runs from higher-priority (lower number) queues first. */
@Entity('work_queue')
@Index('ix_work_queue_updated', ['updated'])
@Index('uq_work_queue_pool_name', ['workPoolId', 'name'], { unique: true })
export class WorkQueueEntity {
  @UuidPrimaryColumn()
  id: string;

  @TimestampColumn()
  created: Date;

  @TimestampColumn()
  updated: Date;

  @UuidColumn()
  workPoolId: string;

  @ManyToOne(() => WorkPoolEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workPoolId' })
  workPool?: Relation<WorkPoolEntity>;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'integer', default: 1 })
  priority: number;

  @Column({ type: 'integer', nullable: true })
  concurrencyLimit: number | null;

  @Column({ type: 'boolean', default: false })
  paused: boolean;

  @TimestampColumn({ nullable: true })
  lastPolled: Date | null;
}
