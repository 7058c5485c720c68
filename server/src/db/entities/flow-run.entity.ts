import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { JsonColumn, TimestampColumn, UuidColumn } from '../dialect';
import { DeploymentEntity } from './deployment.entity';
import { FlowEntity } from './flow.entity';
import { RunColumns } from './run-columns';

/**
 * The indexes marked `synchronize: false` are written by hand in the migrations (DashboardIndexes),
 * because TypeORM cannot declare their order: each list filter the dashboard offers is followed by the
 * default sort, `(stateType | stateName | flowId | deploymentId, expectedStartTime, id)`, and on
 * PostgreSQL the sort columns are `DESC NULLS LAST` (an ASC index read backwards is DESC NULLS FIRST
 * there, which does not serve the API's `… DESC NULLS LAST, id DESC`): `startTime` and `endTime` too,
 * plus `ix_flow_run_expected_start_time_desc` for the unfiltered default sort, which SQLite serves
 * from the ASC index read backwards.
 *
 * The name search and the tag filter have their own indexes (migration SearchIndexes): on PostgreSQL
 * GIN indexes of the name's trigrams and of the tags; on SQLite an FTS5 trigram table and a tag table
 * that triggers keep in step (services/run-search.ts).
 */
@Entity('flow_run')
@Index('uq_flow_run_idempotency', ['flowId', 'idempotencyKey'], { unique: true })
@Index('ix_flow_run_updated', ['updated'])
@Index('ix_flow_run_name', ['name'])
@Index('ix_flow_run_state_type', { synchronize: false })
@Index('ix_flow_run_state_name', { synchronize: false })
@Index('ix_flow_run_flow', { synchronize: false })
@Index('ix_flow_run_deployment', { synchronize: false })
@Index('ix_flow_run_expected_start_time', ['expectedStartTime'])
@Index('ix_flow_run_next_scheduled_start_time', ['nextScheduledStartTime'])
@Index('ix_flow_run_start_time', { synchronize: false })
@Index('ix_flow_run_end_time', { synchronize: false })
@Index('ix_flow_run_queue_scheduled', ['workQueueId', 'nextScheduledStartTime'])
@Index('ix_flow_run_name_trigram', { synchronize: false })
@Index('ix_flow_run_tags', { synchronize: false })
export class FlowRunEntity extends RunColumns {
  @UuidColumn()
  flowId: string;

  @ManyToOne(() => FlowEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'flowId' })
  flow?: Relation<FlowEntity>;

  @Column({ type: 'varchar', length: 255, nullable: true })
  flowVersion: string | null;

  @JsonColumn()
  parameters: Record<string, unknown>;

  @Column({ type: 'varchar', length: 512, nullable: true })
  idempotencyKey: string | null;

  /** The task run in the parent flow run that stands for this subflow run. */
  @UuidColumn({ nullable: true })
  @Index('ix_flow_run_parent_task_run')
  parentTaskRunId: string | null;

  @UuidColumn({ nullable: true })
  deploymentId: string | null;

  @ManyToOne(() => DeploymentEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'deploymentId' })
  deployment?: Relation<DeploymentEntity>;

  @Column({ type: 'varchar', length: 255, nullable: true })
  infrastructurePid: string | null;

  /** Last heartbeat of the process running this flow run (crashed-run detection). */
  @TimestampColumn({ nullable: true })
  heartbeatTime: Date | null;

  @Column({ type: 'boolean', default: false })
  autoScheduled: boolean;

  @Column({ type: 'varchar', length: 255, nullable: true })
  deploymentVersion: string | null;

  /** The work queue a deployment run waits in (workers poll by queue). */
  @UuidColumn({ nullable: true })
  workQueueId: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  workQueueName: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  workPoolName: string | null;

  @JsonColumn({ nullable: true })
  jobVariables: Record<string, unknown> | null;
}
