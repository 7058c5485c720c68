/**
 * The state and timing columns flow runs and task runs share: the current state denormalised onto the
 * run row by the global transforms (orchestration.md §6), so lists and filters never join the states.
 */
import { Column } from 'typeorm';
import type { StateType } from '../../schemas/states';
import { JsonColumn, TimestampColumn, UuidColumn, UuidPrimaryColumn } from '../dialect';

/** Indexes are declared per entity: flow runs are listed and filtered, task runs are read per flow run. */
export abstract class RunColumns {
  @UuidPrimaryColumn()
  id: string;

  @TimestampColumn()
  created: Date;

  @TimestampColumn()
  updated: Date;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @JsonColumn()
  tags: string[];

  @JsonColumn()
  empiricalPolicy: Record<string, unknown>;

  @UuidColumn({ nullable: true })
  stateId: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  stateType: StateType | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  stateName: string | null;

  @TimestampColumn({ nullable: true })
  stateTimestamp: Date | null;

  @Column({ type: 'integer', default: 0 })
  runCount: number;

  @TimestampColumn({ nullable: true })
  expectedStartTime: Date | null;

  @TimestampColumn({ nullable: true })
  nextScheduledStartTime: Date | null;

  @TimestampColumn({ nullable: true })
  startTime: Date | null;

  @TimestampColumn({ nullable: true })
  endTime: Date | null;

  /** Seconds spent RUNNING, summed over attempts. */
  @Column({ type: 'double precision', default: 0 })
  totalRunTime: number;
}
