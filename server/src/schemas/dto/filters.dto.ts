/**
 * List filters (api.md "Conventions"): objects nest per field with operator keys; unknown keys are
 * rejected. The same classes validate requests and generate the OpenAPI document.
 */
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { STATE_TYPES, type StateType } from '../states';
import { PageDto, ValidateNestedObject } from './common.dto';

const MAX_ANY = 1000;

export class UuidFilter {
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_ANY) @IsUUID('all', { each: true }) any?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_ANY) @IsUUID('all', { each: true }) notAny?: string[];
}

export class NullableUuidFilter extends UuidFilter {
  @IsOptional() @IsBoolean() isNull?: boolean;
}

export class StringFilter {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ANY)
  @IsString({ each: true })
  @MaxLength(512, { each: true })
  any?: string[];
  /** Case-insensitive substring match. */
  @IsOptional() @IsString() @MaxLength(255) like?: string;
}

export class TagsFilter {
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(255, { each: true }) all?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(255, { each: true }) any?: string[];
  /** true: runs without tags; false: runs with at least one tag. */
  @IsOptional() @IsBoolean() isNull?: boolean;
}

export class TimeFilter {
  @IsOptional() @IsISO8601({ strict: true }) after?: string;
  @IsOptional() @IsISO8601({ strict: true }) before?: string;
  @IsOptional() @IsBoolean() isNull?: boolean;
}

export class StateTypeFilter {
  @IsOptional()
  @IsArray()
  @IsIn(STATE_TYPES as unknown as string[], {
    each: true,
    message: `each value in any must be one of ${STATE_TYPES.join(', ')}`,
  })
  any?: StateType[];
  @IsOptional()
  @IsArray()
  @IsIn(STATE_TYPES as unknown as string[], {
    each: true,
    message: `each value in notAny must be one of ${STATE_TYPES.join(', ')}`,
  })
  notAny?: StateType[];
}

export class StateNameFilter {
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(64, { each: true }) any?: string[];
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  notAny?: string[];
}

export class StateFilter {
  @IsOptional() @ValidateNestedObject() @Type(() => StateTypeFilter) type?: StateTypeFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => StateNameFilter) name?: StateNameFilter;
}

export class FlowFilter {
  @IsOptional() @ValidateNestedObject() @Type(() => UuidFilter) id?: UuidFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => StringFilter) name?: StringFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => TagsFilter) tags?: TagsFilter;
}

export class FlowRunFilter {
  @IsOptional() @ValidateNestedObject() @Type(() => UuidFilter) id?: UuidFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => StringFilter) name?: StringFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => TagsFilter) tags?: TagsFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => StateFilter) state?: StateFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => StringFilter) flowVersion?: StringFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => StringFilter) idempotencyKey?: StringFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => TimeFilter) startTime?: TimeFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => TimeFilter) endTime?: TimeFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => TimeFilter) expectedStartTime?: TimeFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => TimeFilter) nextScheduledStartTime?: TimeFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => NullableUuidFilter) parentTaskRunId?: NullableUuidFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => NullableUuidFilter) deploymentId?: NullableUuidFilter;
}

export class TaskRunFilter {
  @IsOptional() @ValidateNestedObject() @Type(() => UuidFilter) id?: UuidFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => StringFilter) name?: StringFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => TagsFilter) tags?: TagsFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => StateFilter) state?: StateFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => NullableUuidFilter) flowRunId?: NullableUuidFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => StringFilter) taskKey?: StringFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => TimeFilter) startTime?: TimeFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => TimeFilter) expectedStartTime?: TimeFilter;
}

export class DeploymentFilter {
  @IsOptional() @ValidateNestedObject() @Type(() => UuidFilter) id?: UuidFilter;
}

export const FLOW_RUN_SORTS = [
  'ID_DESC',
  'START_TIME_DESC',
  'START_TIME_ASC',
  'EXPECTED_START_TIME_DESC',
  'EXPECTED_START_TIME_ASC',
  'NEXT_SCHEDULED_START_TIME_ASC',
  'END_TIME_DESC',
  'NAME_ASC',
] as const;
export type FlowRunSort = (typeof FLOW_RUN_SORTS)[number];

export const TASK_RUN_SORTS = [
  'ID_DESC',
  'EXPECTED_START_TIME_ASC',
  'EXPECTED_START_TIME_DESC',
  'START_TIME_ASC',
  'START_TIME_DESC',
  'END_TIME_DESC',
  'NAME_ASC',
] as const;
export type TaskRunSort = (typeof TASK_RUN_SORTS)[number];

export const FLOW_SORTS = ['CREATED_DESC', 'UPDATED_DESC', 'NAME_ASC', 'NAME_DESC'] as const;
export type FlowSort = (typeof FLOW_SORTS)[number];

/** The filters a flow-run list, count or history accepts. */
export class FlowRunFiltersDto {
  @IsOptional() @ValidateNestedObject() @Type(() => FlowFilter) flows?: FlowFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => FlowRunFilter) flowRuns?: FlowRunFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => TaskRunFilter) taskRuns?: TaskRunFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => DeploymentFilter) deployments?: DeploymentFilter;
}

export class FlowRunFilterDto extends FlowRunFiltersDto {
  @IsOptional()
  @IsIn(FLOW_RUN_SORTS as unknown as string[], { message: `sort must be one of ${FLOW_RUN_SORTS.join(', ')}` })
  sort?: FlowRunSort;
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @IsInt() @Min(0) @Max(10_000_000) offset?: number;
}

export class FlowRunHistoryDto extends FlowRunFiltersDto {
  @IsISO8601({ strict: true }) historyStart: string;
  @IsISO8601({ strict: true }) historyEnd: string;
  @IsInt() @Min(1) @Max(31_536_000) historyIntervalSeconds: number;
}

export class TaskRunFiltersDto {
  @IsOptional() @ValidateNestedObject() @Type(() => FlowFilter) flows?: FlowFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => FlowRunFilter) flowRuns?: FlowRunFilter;
  @IsOptional() @ValidateNestedObject() @Type(() => TaskRunFilter) taskRuns?: TaskRunFilter;
}

export class TaskRunFilterDto extends TaskRunFiltersDto {
  @IsOptional()
  @IsIn(TASK_RUN_SORTS as unknown as string[], { message: `sort must be one of ${TASK_RUN_SORTS.join(', ')}` })
  sort?: TaskRunSort;
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @IsInt() @Min(0) @Max(10_000_000) offset?: number;
}

export class FlowFiltersDto {
  @IsOptional() @ValidateNestedObject() @Type(() => FlowFilter) flows?: FlowFilter;
}

export class FlowFilterDto extends FlowFiltersDto {
  @IsOptional()
  @IsIn(FLOW_SORTS as unknown as string[], { message: `sort must be one of ${FLOW_SORTS.join(', ')}` })
  sort?: FlowSort;
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @IsInt() @Min(0) @Max(10_000_000) offset?: number;
}

export { PageDto };
