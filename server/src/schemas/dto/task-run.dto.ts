import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  IsDelaySeconds,
  IsPlainObject,
  KeepAsSent,
  Nested,
  MAX_NAME_LENGTH,
  MAX_TAG_LENGTH,
  MAX_TAGS,
} from './common.dto';
import { StateCreateDto } from './state.dto';

export const MAX_RETRY_DELAY_ENTRIES = 50;

export class TaskRunPolicyDto {
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  retries?: number;

  /** Seconds before each retry: one number, or a list by attempt (the last value repeats). */
  @IsOptional()
  @IsDelaySeconds(MAX_RETRY_DELAY_ENTRIES)
  retryDelaySeconds?: number | number[];

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  retryJitterFactor?: number;
}

export class TaskRunCreateDto {
  /** Omitted for a task called outside any flow. */
  @IsOptional()
  @IsUUID('all')
  flowRunId?: string;

  @IsString()
  @Length(1, 255)
  taskKey: string;

  @IsString()
  @Length(1, 255)
  dynamicKey: string;

  @IsOptional()
  @IsString()
  @Length(1, MAX_NAME_LENGTH)
  name?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  @MaxLength(MAX_TAG_LENGTH, { each: true })
  tags?: string[];

  @IsOptional()
  @IsString()
  @Length(1, 2000)
  cacheKey?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  cacheExpiration?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  taskVersion?: string;

  /** Upstream dependencies by parameter name, e.g. `{ x: [{ inputType: 'task_run', id }] }`. */
  @IsOptional()
  @IsPlainObject()
  @KeepAsSent()
  taskInputs?: Record<string, unknown>;

  @IsOptional()
  @Nested(() => TaskRunPolicyDto)
  empiricalPolicy?: TaskRunPolicyDto;

  /** The first state to propose (default PENDING); RUNNING creates and starts in one round trip. */
  @IsOptional()
  @Nested(() => StateCreateDto)
  state?: StateCreateDto;
}

export const MAX_TASK_RUN_BATCH = 500;

/**
 * One operation of `POST /api/task-runs/batch`: create a task run (`body` is a TaskRunCreateDto) or
 * propose a state for one (`id`, and `body` a SetStateDto). Each is validated and answered on its own.
 */
export class TaskRunBatchOperationDto {
  @IsIn(['create', 'set-state'], { message: 'op must be create or set-state' })
  op: 'create' | 'set-state';

  @IsOptional()
  @IsUUID('all', { message: 'id must be a UUID' })
  id?: string;

  @IsPlainObject()
  @KeepAsSent()
  body: Record<string, unknown>;
}
