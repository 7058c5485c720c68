/**
 * List filters (api.md "Conventions"): objects nest per field with operator keys; unknown keys are
 * rejected. The same classes validate requests and generate the OpenAPI document.
 */
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
import { Nested, PageDto } from './common.dto';

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
  @IsOptional() @Nested(() => StateTypeFilter) type?: StateTypeFilter;
  @IsOptional() @Nested(() => StateNameFilter) name?: StateNameFilter;
}

export class FlowFilter {
  @IsOptional() @Nested(() => UuidFilter) id?: UuidFilter;
  @IsOptional() @Nested(() => StringFilter) name?: StringFilter;
  @IsOptional() @Nested(() => TagsFilter) tags?: TagsFilter;
}

export class FlowRunFilter {
  @IsOptional() @Nested(() => UuidFilter) id?: UuidFilter;
  @IsOptional() @Nested(() => StringFilter) name?: StringFilter;
  @IsOptional() @Nested(() => TagsFilter) tags?: TagsFilter;
  @IsOptional() @Nested(() => StateFilter) state?: StateFilter;
  @IsOptional() @Nested(() => StringFilter) flowVersion?: StringFilter;
  @IsOptional() @Nested(() => StringFilter) idempotencyKey?: StringFilter;
  @IsOptional() @Nested(() => TimeFilter) startTime?: TimeFilter;
  @IsOptional() @Nested(() => TimeFilter) endTime?: TimeFilter;
  @IsOptional() @Nested(() => TimeFilter) expectedStartTime?: TimeFilter;
  @IsOptional() @Nested(() => TimeFilter) nextScheduledStartTime?: TimeFilter;
  @IsOptional() @Nested(() => NullableUuidFilter) parentTaskRunId?: NullableUuidFilter;
  @IsOptional() @Nested(() => NullableUuidFilter) deploymentId?: NullableUuidFilter;
}

export class TaskRunFilter {
  @IsOptional() @Nested(() => UuidFilter) id?: UuidFilter;
  @IsOptional() @Nested(() => StringFilter) name?: StringFilter;
  @IsOptional() @Nested(() => TagsFilter) tags?: TagsFilter;
  @IsOptional() @Nested(() => StateFilter) state?: StateFilter;
  @IsOptional() @Nested(() => NullableUuidFilter) flowRunId?: NullableUuidFilter;
  @IsOptional() @Nested(() => StringFilter) taskKey?: StringFilter;
  @IsOptional() @Nested(() => TimeFilter) startTime?: TimeFilter;
  @IsOptional() @Nested(() => TimeFilter) expectedStartTime?: TimeFilter;
}

export class DeploymentFilter {
  @IsOptional() @Nested(() => UuidFilter) id?: UuidFilter;
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
  @IsOptional() @Nested(() => FlowFilter) flows?: FlowFilter;
  @IsOptional() @Nested(() => FlowRunFilter) flowRuns?: FlowRunFilter;
  @IsOptional() @Nested(() => TaskRunFilter) taskRuns?: TaskRunFilter;
  @IsOptional() @Nested(() => DeploymentFilter) deployments?: DeploymentFilter;
}

export class FlowRunFilterDto extends FlowRunFiltersDto {
  @IsOptional()
  @IsIn(FLOW_RUN_SORTS as unknown as string[], { message: `sort must be one of ${FLOW_RUN_SORTS.join(', ')}` })
  sort?: FlowRunSort;
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @IsInt() @Min(0) @Max(10_000_000) offset?: number;
}

/** The most a count counts when asked to stop early (`limit` of a count). */
export const MAX_COUNT_LIMIT = 10_000_000;

/**
 * A flow-run count. With `limit`, counting stops there: the answer is min(matching runs, limit), so a
 * count over a large database costs at most `limit` rows (the dashboard asks for 10,001 and shows
 * "10,000+").
 */
export class FlowRunCountDto extends FlowRunFiltersDto {
  @IsOptional() @IsInt() @Min(1) @Max(MAX_COUNT_LIMIT) limit?: number;
}

export class FlowRunHistoryDto extends FlowRunFiltersDto {
  @IsISO8601({ strict: true }) historyStart: string;
  @IsISO8601({ strict: true }) historyEnd: string;
  @IsInt() @Min(1) @Max(31_536_000) historyIntervalSeconds: number;
}

export class TaskRunFiltersDto {
  @IsOptional() @Nested(() => FlowFilter) flows?: FlowFilter;
  @IsOptional() @Nested(() => FlowRunFilter) flowRuns?: FlowRunFilter;
  @IsOptional() @Nested(() => TaskRunFilter) taskRuns?: TaskRunFilter;
}

/** A task-run count; `limit` as in FlowRunCountDto. */
export class TaskRunCountDto extends TaskRunFiltersDto {
  @IsOptional() @IsInt() @Min(1) @Max(MAX_COUNT_LIMIT) limit?: number;
}

export class TaskRunFilterDto extends TaskRunFiltersDto {
  @IsOptional()
  @IsIn(TASK_RUN_SORTS as unknown as string[], { message: `sort must be one of ${TASK_RUN_SORTS.join(', ')}` })
  sort?: TaskRunSort;
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @IsInt() @Min(0) @Max(10_000_000) offset?: number;
}

export class FlowFiltersDto {
  @IsOptional() @Nested(() => FlowFilter) flows?: FlowFilter;
}

export class FlowFilterDto extends FlowFiltersDto {
  @IsOptional()
  @IsIn(FLOW_SORTS as unknown as string[], { message: `sort must be one of ${FLOW_SORTS.join(', ')}` })
  sort?: FlowSort;
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @IsInt() @Min(0) @Max(10_000_000) offset?: number;
}

export { PageDto };

export class DeploymentListFilter {
  @IsOptional() @Nested(() => UuidFilter) id?: UuidFilter;
  @IsOptional() @Nested(() => StringFilter) name?: StringFilter;
  @IsOptional() @Nested(() => TagsFilter) tags?: TagsFilter;
  @IsOptional() @IsBoolean() paused?: boolean;
  @IsOptional() @Nested(() => StringFilter) workPoolName?: StringFilter;
}

export const DEPLOYMENT_SORTS = ['NAME_ASC', 'NAME_DESC', 'CREATED_DESC', 'UPDATED_DESC'] as const;
export type DeploymentSort = (typeof DEPLOYMENT_SORTS)[number];

export class DeploymentFiltersDto {
  @IsOptional() @Nested(() => FlowFilter) flows?: FlowFilter;
  @IsOptional() @Nested(() => DeploymentListFilter) deployments?: DeploymentListFilter;
}

export class DeploymentFilterDto extends DeploymentFiltersDto {
  @IsOptional()
  @IsIn(DEPLOYMENT_SORTS as unknown as string[], { message: `sort must be one of ${DEPLOYMENT_SORTS.join(', ')}` })
  sort?: DeploymentSort;
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @IsInt() @Min(0) @Max(10_000_000) offset?: number;
}
