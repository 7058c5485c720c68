import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { JsonColumn, TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../dialect';
import { FlowEntity } from './flow.entity';

export type CollisionStrategy = 'ENQUEUE' | 'CANCEL_NEW';

/** A flow made runnable on its own: where its code is, defaults, schedules, where its runs go. */
@Entity('deployment')
@Index('uq_deployment_flow_name', ['flowId', 'name'], { unique: true })
@Index('ix_deployment_updated', ['updated'])
export class DeploymentEntity {
  @UuidPrimaryColumn()
  id: string;

  @TimestampColumn()
  created: Date;

  @TimestampColumn()
  updated: Date;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @UuidColumn()
  flowId: string;

  @ManyToOne(() => FlowEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'flowId' })
  flow?: Relation<FlowEntity>;

  @Column({ type: 'varchar', length: 255, nullable: true })
  version: string | null;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @JsonColumn()
  tags: string[];

  /** `path/to/file.ts:ClassName.method` (relative to `path`), or `path/to/file.ts:flow-name`. */
  @Column({ type: 'varchar', length: 1024 })
  entrypoint: string;

  /** The working directory the entrypoint is relative to. */
  @Column({ type: 'varchar', length: 1024, nullable: true })
  path: string | null;

  /** Default parameters of every run. */
  @JsonColumn()
  parameters: Record<string, unknown>;

  /** JSON schema of the flow's parameters (from the decorator metadata). */
  @JsonColumn()
  parameterSchema: Record<string, unknown>;

  @Column({ type: 'boolean', default: true })
  enforceParameterSchema: boolean;

  @Column({ type: 'varchar', length: 255, nullable: true })
  workPoolName: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  workQueueName: string | null;

  @UuidColumn({ nullable: true })
  workQueueId: string | null;

  @Column({ type: 'boolean', default: false })
  paused: boolean;

  /** At most this many runs of the deployment active at once (null: no limit). */
  @Column({ type: 'integer', nullable: true })
  concurrencyLimit: number | null;

  @Column({ type: 'varchar', length: 16, default: 'ENQUEUE' })
  collisionStrategy: CollisionStrategy;

  /** Ids of the flow runs holding a deployment concurrency slot. */
  @JsonColumn()
  activeSlots: string[];

  @JsonColumn()
  jobVariables: Record<string, unknown>;

  @TimestampColumn({ nullable: true })
  lastPolled: Date | null;
}
