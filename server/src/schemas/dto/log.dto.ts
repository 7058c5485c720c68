import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import { Nested } from './common.dto';
import { NullableUuidFilter, TimeFilter, UuidFilter } from './filters.dto';

export const MAX_LOG_MESSAGE_LENGTH = 1_000_000;
export const MAX_LOG_BATCH = 10_000;

export class LogCreateDto {
  /**
   * Optional, chosen by the client (the SDK sends a time-ordered UUID): a line whose id is already
   * stored is skipped, so a batch re-sent after a lost answer is not stored twice.
   */
  @IsOptional() @IsUUID('all') id?: string;
  @IsString() @Length(1, 255) name: string;
  /** 10 debug, 20 info, 30 warning, 40 error, 50 critical. */
  @IsInt() @Min(0) @Max(100) level: number;
  @IsString() @MaxLength(MAX_LOG_MESSAGE_LENGTH) message: string;
  @IsISO8601({ strict: true }) timestamp: string;
  @IsOptional() @IsUUID('all') flowRunId?: string;
  @IsOptional() @IsUUID('all') taskRunId?: string;
}

export class LevelFilter {
  @IsOptional() @IsInt() @Min(0) @Max(100) ge?: number;
  @IsOptional() @IsInt() @Min(0) @Max(100) le?: number;
}

export class LogFilter {
  @IsOptional() @Nested(() => UuidFilter) flowRunId?: UuidFilter;
  @IsOptional() @Nested(() => NullableUuidFilter) taskRunId?: NullableUuidFilter;
  @IsOptional() @Nested(() => LevelFilter) level?: LevelFilter;
  @IsOptional() @Nested(() => TimeFilter) timestamp?: TimeFilter;
}

export const LOG_SORTS = ['TIMESTAMP_ASC', 'TIMESTAMP_DESC'] as const;
export type LogSort = (typeof LOG_SORTS)[number];

export class LogFilterDto {
  @IsOptional() @Nested(() => LogFilter) logs?: LogFilter;
  @IsOptional()
  @IsIn(LOG_SORTS as unknown as string[], { message: `sort must be one of ${LOG_SORTS.join(', ')}` })
  sort?: LogSort;
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @IsInt() @Min(0) @Max(10_000_000) offset?: number;
}
