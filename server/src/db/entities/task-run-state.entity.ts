import { Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { UuidColumn } from '../dialect';
import { StateColumns } from './state-columns';
import { TaskRunEntity } from './task-run.entity';

@Entity('task_run_state')
@Index('uq_task_run_state_timestamp', ['taskRunId', 'timestamp'], { unique: true })
export class TaskRunStateEntity extends StateColumns {
  @UuidColumn()
  taskRunId: string;

  @ManyToOne(() => TaskRunEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'taskRunId' })
  taskRun?: Relation<TaskRunEntity>;
}
