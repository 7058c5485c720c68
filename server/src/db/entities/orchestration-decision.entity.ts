import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import type { OrchestrationStatus, RunKind, StateType } from '../../schemas/states';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../dialect';
import { FlowRunEntity } from './flow-run.entity';
import { TaskRunEntity } from './task-run.entity';

/** Why a transition went the way it did: one row per rule verb (reject, delay, abort, rename). */
@Entity('orchestration_decision')
@Index('ix_decision_flow_run', ['flowRunId', 'timestamp'])
@Index('ix_decision_task_run', ['taskRunId', 'timestamp'])
export class OrchestrationDecisionEntity {
  @UuidPrimaryColumn()
  id: string;

  @Column({ type: 'varchar', length: 8 })
  runKind: RunKind;

  @UuidColumn({ nullable: true })
  flowRunId: string | null;

  @ManyToOne(() => FlowRunEntity, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'flowRunId' })
  flowRun?: Relation<FlowRunEntity>;

  @UuidColumn({ nullable: true })
  taskRunId: string | null;

  @ManyToOne(() => TaskRunEntity, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'taskRunId' })
  taskRun?: Relation<TaskRunEntity>;

  @TimestampColumn()
  timestamp: Date;

  @Column({ type: 'varchar', length: 128 })
  rule: string;

  @Column({ type: 'varchar', length: 8 })
  status: OrchestrationStatus;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  fromType: StateType | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  fromName: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  proposedType: StateType | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  proposedName: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  resultType: StateType | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  resultName: string | null;

  @UuidColumn({ nullable: true })
  stateId: string | null;

  @Column({ type: 'double precision', nullable: true })
  delaySeconds: number | null;
}
