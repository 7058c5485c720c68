import { Column, Entity } from 'typeorm';
import { TimestampColumn } from '../dialect';

/**
 * Persisted task and flow results too large to sit inline in a state: stored by key, readable by
 * every process that can reach the API (workers on other machines included).
 */
@Entity('result')
export class ResultEntity {
  @Column({ type: 'varchar', length: 255, primary: true })
  key: string;

  @TimestampColumn()
  created: Date;

  /** The serializer that produced `data` (e.g. `rigel-json`). */
  @Column({ type: 'varchar', length: 64 })
  serializer: string;

  /** The serialized value. */
  @Column({ type: 'text' })
  data: string;

  @Column({ type: 'integer' })
  size: number;
}
