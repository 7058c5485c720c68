import { Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { UuidColumn } from '../dialect';
import { FlowRunEntity } from './flow-run.entity';
import { StateColumns } from './state-columns';

@Entity('flow_run_state')
@Index('uq_flow_run_state_timestamp', ['flowRunId', 'timestamp'], { unique: true })
export class FlowRunStateEntity extends StateColumns {
  @UuidColumn()
  flowRunId: string;

  @ManyToOne(() => FlowRunEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'flowRunId' })
  flowRun?: Relation<FlowRunEntity>;
}
