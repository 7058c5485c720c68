import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { JsonColumn, TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../dialect';
import { DeploymentEntity } from './deployment.entity';

/** One schedule of a deployment: `{ interval, anchorDate?, timezone? }`, `{ cron, timezone?, dayOr? }` or `{ rrule, timezone? }`. */
@Entity('deployment_schedule')
@Index('ix_deployment_schedule_deployment', ['deploymentId'])
export class DeploymentScheduleEntity {
  @UuidPrimaryColumn()
  id: string;

  @TimestampColumn()
  created: Date;

  @TimestampColumn()
  updated: Date;

  @UuidColumn()
  deploymentId: string;

  @ManyToOne(() => DeploymentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'deploymentId' })
  deployment?: Relation<DeploymentEntity>;

  @JsonColumn()
  schedule: Record<string, unknown>;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** Parameters of this schedule's runs (over the deployment's defaults). */
  @JsonColumn()
  parameters: Record<string, unknown>;

  @Column({ type: 'integer', nullable: true })
  maxScheduledRuns: number | null;
}
