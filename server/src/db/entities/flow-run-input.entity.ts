import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../dialect';
import { FlowRunEntity } from './flow-run.entity';

/** Values for a paused flow run: the input supplied on resume, and the schema it was asked with. */
@Entity('flow_run_input')
@Index('uq_flow_run_input_key', ['flowRunId', 'key'], { unique: true })
export class FlowRunInputEntity {
  @UuidPrimaryColumn()
  id: string;

  @TimestampColumn()
  created: Date;

  @UuidColumn()
  flowRunId: string;

  @ManyToOne(() => FlowRunEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'flowRunId' })
  flowRun?: Relation<FlowRunEntity>;

  @Column({ type: 'varchar', length: 255 })
  key: string;

  /** JSON text. */
  @Column({ type: 'text' })
  value: string;
}
