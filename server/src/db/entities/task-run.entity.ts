import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { JsonColumn, TimestampColumn, UuidColumn } from '../dialect';
import { FlowRunEntity } from './flow-run.entity';
import { RunColumns } from './run-columns';

@Entity('task_run')
@Index('uq_task_run_key', ['flowRunId', 'taskKey', 'dynamicKey'], { unique: true })
@Index('ix_task_run_updated', ['updated'])
export class TaskRunEntity extends RunColumns {
  /** Null for a task called outside any flow. */
  @UuidColumn({ nullable: true })
  flowRunId: string | null;

  @ManyToOne(() => FlowRunEntity, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'flowRunId' })
  flowRun?: Relation<FlowRunEntity>;

  @Column({ type: 'varchar', length: 255 })
  taskKey: string;

  @Column({ type: 'varchar', length: 255 })
  dynamicKey: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  cacheKey: string | null;

  @TimestampColumn({ nullable: true })
  cacheExpiration: Date | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  taskVersion: string | null;

  /** Upstream dependencies by parameter name: `{ x: [{ inputType: 'task_run', id }] }`. */
  @JsonColumn()
  taskInputs: Record<string, unknown>;

  /** The flow run's `runCount` when this task last started (UpdateFlowRunTrackerOnTasks). */
  @Column({ type: 'integer', default: 0 })
  flowRunRunCount: number;
}
