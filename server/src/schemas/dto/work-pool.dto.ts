import { IsBoolean, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsPlainObject, KeepAsSent, MAX_NAME_LENGTH } from './common.dto';
import { NAME_PATTERN } from './flow.dto';

export class WorkPoolCreateDto {
  @IsString()
  @Length(1, MAX_NAME_LENGTH)
  @Matches(NAME_PATTERN, { message: 'name must not contain control characters, "/" or "%"' })
  name: string;

  @IsOptional() @IsString() @MaxLength(10_000) description?: string;
  @IsOptional() @IsString() @Length(1, 64) type?: string;
  @IsOptional() @IsBoolean() paused?: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(100_000) concurrencyLimit?: number;
  @IsOptional() @IsPlainObject() @KeepAsSent() baseJobTemplate?: Record<string, unknown>;
}

export class WorkPoolUpdateDto {
  @IsOptional() @IsString() @MaxLength(10_000) description?: string;
  @IsOptional() @IsBoolean() paused?: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(100_000) concurrencyLimit?: number | null;
  @IsOptional() @IsPlainObject() @KeepAsSent() baseJobTemplate?: Record<string, unknown>;
}

export class WorkQueueCreateDto {
  @IsString()
  @Length(1, MAX_NAME_LENGTH)
  @Matches(NAME_PATTERN, { message: 'name must not contain control characters, "/" or "%"' })
  name: string;

  @IsOptional() @IsString() @MaxLength(10_000) description?: string;
  @IsOptional() @IsInt() @Min(1) @Max(1000) priority?: number;
  @IsOptional() @IsInt() @Min(0) @Max(100_000) concurrencyLimit?: number;
  @IsOptional() @IsBoolean() paused?: boolean;
}

export class WorkQueueUpdateDto {
  @IsOptional()
  @IsString()
  @Length(1, MAX_NAME_LENGTH)
  @Matches(NAME_PATTERN, { message: 'name must not contain control characters, "/" or "%"' })
  name?: string;

  @IsOptional() @IsString() @MaxLength(10_000) description?: string;
  @IsOptional() @IsInt() @Min(1) @Max(1000) priority?: number;
  @IsOptional() @IsInt() @Min(0) @Max(100_000) concurrencyLimit?: number | null;
  @IsOptional() @IsBoolean() paused?: boolean;
}

export class WorkPoolNameParamsDto {
  @IsString() @Length(1, MAX_NAME_LENGTH) name: string;
}

export class WorkQueueParamsDto {
  @IsString() @Length(1, MAX_NAME_LENGTH) name: string;
  @IsString() @Length(1, MAX_NAME_LENGTH) queueName: string;
}

export class WorkerHeartbeatDto {
  @IsString() @Length(1, MAX_NAME_LENGTH) name: string;
  @IsOptional() @IsInt() @Min(1) @Max(3600) heartbeatIntervalSeconds?: number;
}

export class ScheduledRunsQueryDto {
  /** Runs due up to this many seconds from now (prefetch). */
  @IsOptional() @IsInt() @Min(0) @Max(86_400) prefetchSeconds?: number;
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @IsString({ each: true }) workQueueNames?: string[];
}
