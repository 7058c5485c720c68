import { Column, Entity, Index } from 'typeorm';
import { JsonColumn, TimestampColumn, UuidPrimaryColumn } from '../dialect';

@Entity('flow')
export class FlowEntity {
  @UuidPrimaryColumn()
  id: string;

  @TimestampColumn()
  created: Date;

  @TimestampColumn()
  updated: Date;

  @Column({ type: 'varchar', length: 255 })
  @Index('uq_flow_name', { unique: true })
  name: string;

  @JsonColumn()
  tags: string[];
}
