import { Column } from 'typeorm';
import type { StateDetails, StateType } from '../../schemas/states';
import { JsonColumn, TimestampColumn, UuidPrimaryColumn } from '../dialect';

/** Columns of one state row; states are append-only (the run row carries the current one). */
export abstract class StateColumns {
  @UuidPrimaryColumn()
  id: string;

  @TimestampColumn()
  created: Date;

  @Column({ type: 'varchar', length: 16 })
  type: StateType;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @TimestampColumn()
  timestamp: Date;

  @Column({ type: 'text', nullable: true })
  message: string | null;

  @JsonColumn()
  stateDetails: StateDetails;

  @JsonColumn({ nullable: true })
  data: unknown;
}
