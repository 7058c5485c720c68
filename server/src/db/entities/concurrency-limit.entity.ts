import { Column, Entity, Index } from 'typeorm';
import { JsonColumn, TimestampColumn, UuidPrimaryColumn } from '../dialect';

/** A concurrency limit on task runs carrying `tag`; `activeSlots` holds the ids of the runs holding a slot. */
@Entity('concurrency_limit')
@Index('ix_concurrency_limit_updated', ['updated'])
export class ConcurrencyLimitEntity {
  @UuidPrimaryColumn()
  id: string;

  @TimestampColumn()
  created: Date;

  @TimestampColumn()
  updated: Date;

  @Column({ type: 'varchar', length: 255 })
  @Index('uq_concurrency_limit_tag', { unique: true })
  tag: string;

  @Column({ type: 'integer' })
  concurrencyLimit: number;

  @JsonColumn()
  activeSlots: string[];
}
