import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../dialect';
import { WorkPoolEntity } from './work-pool.entity';

/** A worker process polling a pool; its status (ONLINE/OFFLINE) follows from its heartbeats. */
@Entity('worker')
@Index('ix_worker_updated', ['updated'])
@Index('uq_worker_pool_name', ['workPoolId', 'name'], { unique: true })
export class WorkerEntity {
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

  @TimestampColumn()
  lastHeartbeatTime: Date;

  @Column({ type: 'integer', nullable: true })
  heartbeatIntervalSeconds: number | null;
}
