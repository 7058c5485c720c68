import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../dialect';
import { FlowRunEntity } from './flow-run.entity';

@Entity('log')
@Index('ix_log_flow_run_timestamp', ['flowRunId', 'timestamp'])
@Index('ix_log_task_run_timestamp', ['taskRunId', 'timestamp'])
export class LogEntity {
  @UuidPrimaryColumn()
  id: string;

  /** Set by the server when the line is stored (the live-event feed reads by it). */
  @TimestampColumn()
  @Index('ix_log_created')
  created: Date;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  /** 10 debug, 20 info, 30 warning, 40 error, 50 critical. */
  @Column({ type: 'integer' })
  level: number;

  @Column({ type: 'text' })
  message: string;

  @TimestampColumn()
  timestamp: Date;

  @UuidColumn({ nullable: true })
  flowRunId: string | null;

  @ManyToOne(() => FlowRunEntity, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'flowRunId' })
  flowRun?: Relation<FlowRunEntity>;

  @UuidColumn({ nullable: true })
  taskRunId: string | null;
}
