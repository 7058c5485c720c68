import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsPlainObject, MAX_NAME_LENGTH, MAX_TAG_LENGTH, MAX_TAGS, ValidateNestedObject } from './common.dto';
import { StateCreateDto } from './state.dto';

export class FlowRunPolicyDto {
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  retries?: number;

  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(31_536_000)
  retryDelaySeconds?: number;
}

export class FlowRunCreateDto {
  @IsUUID('all')
  flowId: string;

  @IsOptional()
  @IsString()
  @Length(1, MAX_NAME_LENGTH)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  flowVersion?: string;

  @IsOptional()
  @IsPlainObject()
  parameters?: Record<string, unknown>;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  @MaxLength(MAX_TAG_LENGTH, { each: true })
  tags?: string[];

  @IsOptional()
  @IsString()
  @Length(1, 512)
  idempotencyKey?: string;

  @IsOptional()
  @IsUUID('all')
  parentTaskRunId?: string;

  @IsOptional()
  @IsUUID('all')
  deploymentId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  infrastructurePid?: string;

  @IsOptional()
  @ValidateNestedObject()
  @Type(() => StateCreateDto)
  state?: StateCreateDto;

  @IsOptional()
  @ValidateNestedObject()
  @Type(() => FlowRunPolicyDto)
  empiricalPolicy?: FlowRunPolicyDto;
}

export class FlowRunUpdateDto {
  @IsOptional()
  @IsString()
  @Length(1, MAX_NAME_LENGTH)
  name?: string;

  @IsOptional()
  @IsPlainObject()
  parameters?: Record<string, unknown>;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  @MaxLength(MAX_TAG_LENGTH, { each: true })
  tags?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(255)
  infrastructurePid?: string;

  @IsOptional()
  @ValidateNestedObject()
  @Type(() => FlowRunPolicyDto)
  empiricalPolicy?: FlowRunPolicyDto;
}
