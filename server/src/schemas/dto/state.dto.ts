import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { ValidateNestedObject } from './common.dto';
import { STATE_TYPES, type StateType } from '../states';

/** The known `stateDetails` fields; unknown keys are rejected so typos surface. */
export class StateDetailsDto {
  @IsOptional() @IsUUID('all') flowRunId?: string;
  @IsOptional() @IsUUID('all') taskRunId?: string;
  @IsOptional() @IsUUID('all') childFlowRunId?: string;
  @IsOptional() @IsISO8601({ strict: true }) scheduledTime?: string;
  @IsOptional() @IsString() @MaxLength(4000) cacheKey?: string;
  @IsOptional() @IsISO8601({ strict: true }) cacheExpiration?: string;
  @IsOptional() @IsBoolean() refreshCache?: boolean;
  @IsOptional() @IsBoolean() retriable?: boolean;
  @IsOptional() @IsISO8601({ strict: true }) pauseTimeout?: string;
  @IsOptional() @IsBoolean() pauseReschedule?: boolean;
  @IsOptional() @IsString() @MaxLength(255) pauseKey?: string;
  @IsOptional() @IsObject() runInputKeyset?: Record<string, string>;
  @IsOptional() @IsString() @MaxLength(255) transitionId?: string;
  @IsOptional() @IsIn(['in_process', 'reschedule', 'rerun']) retryType?: 'in_process' | 'reschedule' | 'rerun' | null;
  @IsOptional() @IsUUID('all') cachedFromTaskRunId?: string;
}

export class StateCreateDto {
  @IsIn(STATE_TYPES as unknown as string[], { message: `type must be one of ${STATE_TYPES.join(', ')}` })
  type: StateType;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  message?: string | null;

  @IsOptional()
  @ValidateNestedObject()
  @Type(() => StateDetailsDto)
  stateDetails?: StateDetailsDto;

  /** A reference to the persisted result (or a small inline value); opaque to the server. */
  @IsOptional()
  data?: unknown;
}

export class SetStateDto {
  @IsDefined({ message: 'state is required' })
  @ValidateNestedObject()
  @Type(() => StateCreateDto)
  state: StateCreateDto;

  /** Apply the minimal policy instead of the core policy (global bookkeeping still runs). */
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}
