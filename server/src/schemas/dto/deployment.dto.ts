import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsPlainObject, KeepAsSent, MAX_NAME_LENGTH, MAX_TAG_LENGTH, MAX_TAGS, Nested } from './common.dto';
import { NAME_PATTERN } from './flow.dto';
import { StateCreateDto } from './state.dto';

export const COLLISION_STRATEGIES = ['ENQUEUE', 'CANCEL_NEW'] as const;

/** A schedule: `{ interval, anchorDate?, timezone? }`, `{ cron, timezone?, dayOr? }` or `{ rrule, timezone? }` (checked by the service). */
export class DeploymentScheduleCreateDto {
  @IsDefined({ message: 'schedule is required' })
  @IsPlainObject()
  @KeepAsSent()
  schedule: Record<string, unknown>;

  @IsOptional() @IsBoolean() active?: boolean;
  @IsOptional() @IsPlainObject() @KeepAsSent() parameters?: Record<string, unknown>;
  @IsOptional() @IsInt() @Min(1) @Max(1000) maxScheduledRuns?: number;
}

export class DeploymentScheduleUpdateDto {
  @IsOptional() @IsPlainObject() @KeepAsSent() schedule?: Record<string, unknown>;
  @IsOptional() @IsBoolean() active?: boolean;
  @IsOptional() @IsPlainObject() @KeepAsSent() parameters?: Record<string, unknown>;
  @IsOptional() @IsInt() @Min(1) @Max(1000) maxScheduledRuns?: number;
}

class DeploymentFields {
  @IsOptional() @IsString() @MaxLength(255) version?: string;
  @IsOptional() @IsString() @MaxLength(10_000) description?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  @MaxLength(MAX_TAG_LENGTH, { each: true })
  tags?: string[];

  @IsOptional() @IsString() @MaxLength(1024) path?: string;
  @IsOptional() @IsPlainObject() @KeepAsSent() parameters?: Record<string, unknown>;
  @IsOptional() @IsPlainObject() @KeepAsSent() parameterSchema?: Record<string, unknown>;
  @IsOptional() @IsBoolean() enforceParameterSchema?: boolean;
  @IsOptional() @IsString() @Length(1, MAX_NAME_LENGTH) workPoolName?: string;
  @IsOptional() @IsString() @Length(1, MAX_NAME_LENGTH) workQueueName?: string;
  @IsOptional() @IsBoolean() paused?: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(100_000) concurrencyLimit?: number | null;

  @IsOptional()
  @IsIn(COLLISION_STRATEGIES as unknown as string[], {
    message: `collisionStrategy must be one of ${COLLISION_STRATEGIES.join(', ')}`,
  })
  collisionStrategy?: (typeof COLLISION_STRATEGIES)[number];

  @IsOptional() @IsPlainObject() @KeepAsSent() jobVariables?: Record<string, unknown>;
}

export class DeploymentCreateDto extends DeploymentFields {
  @IsString()
  @Length(1, MAX_NAME_LENGTH)
  @Matches(NAME_PATTERN, { message: 'name must not contain control characters, "/" or "%"' })
  name: string;

  @IsUUID('all') flowId: string;

  /** `path/to/file.ts:ClassName.method` or `path/to/file.ts:flow-name`. */
  @IsString()
  @Length(3, 1024)
  @Matches(/^[^:]+:[^:]+$/, { message: 'entrypoint must look like path/to/file.ts:ClassName.method' })
  entrypoint: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => DeploymentScheduleCreateDto)
  schedules?: DeploymentScheduleCreateDto[];
}

export class DeploymentUpdateDto extends DeploymentFields {
  @IsOptional()
  @IsString()
  @Length(3, 1024)
  @Matches(/^[^:]+:[^:]+$/, { message: 'entrypoint must look like path/to/file.ts:ClassName.method' })
  entrypoint?: string;
}

export class DeploymentFlowRunCreateDto {
  @IsOptional() @IsString() @Length(1, MAX_NAME_LENGTH) name?: string;
  @IsOptional() @IsPlainObject() @KeepAsSent() parameters?: Record<string, unknown>;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  @MaxLength(MAX_TAG_LENGTH, { each: true })
  tags?: string[];

  @IsOptional() @IsString() @Length(1, 512) idempotencyKey?: string;
  @IsOptional() @IsPlainObject() @KeepAsSent() jobVariables?: Record<string, unknown>;
  @IsOptional() @IsString() @Length(1, MAX_NAME_LENGTH) workQueueName?: string;

  /** Default: SCHEDULED for now. */
  @IsOptional() @Nested(() => StateCreateDto) state?: StateCreateDto;
}

export class DeploymentNameParamsDto {
  @IsString() @Length(1, MAX_NAME_LENGTH) flowName: string;
  @IsString() @Length(1, MAX_NAME_LENGTH) deploymentName: string;
}

export class DeploymentScheduleParamsDto {
  @IsUUID('all', { message: 'id must be a UUID' }) id: string;
  @IsUUID('all', { message: 'scheduleId must be a UUID' }) scheduleId: string;
}
