/**
 * Compiles the API's filter objects (schemas/dto/filters.dto.ts) into SQL WHERE clauses and ORDER BY
 * lists for both databases. Every value is a bound parameter; only column names from this file are
 * interpolated.
 */
import type { Codec } from '../db/codec';
import type { Dialect } from '../db/dialect';
import type {
  FlowFilter,
  FlowRunFilter,
  FlowRunFiltersDto,
  FlowRunSort,
  FlowSort,
  NullableUuidFilter,
  StateFilter,
  StringFilter,
  TagsFilter,
  TaskRunFilter,
  TaskRunFiltersDto,
  TaskRunSort,
  TimeFilter,
  UuidFilter,
} from '../schemas/dto/filters.dto';
import { ilike, jsonArrayContains, jsonArrayContainsAny, jsonArrayIsEmpty, likePattern, placeholders } from './rows';

export class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  constructor(
    readonly dialect: Dialect,
    readonly codec: Codec,
  ) {}

  add(sql: string, ...params: unknown[]): this {
    this.clauses.push(sql);
    this.params.push(...params);
    return this;
  }

  /** Adds a sub-clause built by `build` on a fresh builder (for nested sub-selects). */
  sub(build: (where: Where) => void, wrap: (inner: string) => string): this {
    const inner = new Where(this.dialect, this.codec);
    build(inner);
    if (inner.clauses.length > 0) this.add(wrap(inner.sql()), ...inner.params);
    return this;
  }

  sql(): string {
    return this.clauses.length > 0 ? this.clauses.join(' AND ') : '1 = 1';
  }

  uuid(column: string, filter: UuidFilter | NullableUuidFilter | undefined): this {
    if (!filter) return this;
    if (filter.any)
      this.add(filter.any.length ? `${column} IN (${placeholders(filter.any.length)})` : '1 = 0', ...filter.any);
    if (filter.notAny?.length)
      this.add(`(${column} IS NULL OR ${column} NOT IN (${placeholders(filter.notAny.length)}))`, ...filter.notAny);
    // `null` operators mean "no condition", as `null` filters do.
    if ('isNull' in filter && filter.isNull != null) this.add(`${column} IS ${filter.isNull ? '' : 'NOT '}NULL`);
    return this;
  }

  string(column: string, filter: StringFilter | undefined): this {
    if (!filter) return this;
    if (filter.any)
      this.add(filter.any.length ? `${column} IN (${placeholders(filter.any.length)})` : '1 = 0', ...filter.any);
    if (filter.like) this.add(ilike(this.dialect, column), likePattern(filter.like));
    return this;
  }

  tags(column: string, filter: TagsFilter | undefined): this {
    if (!filter) return this;
    for (const tag of filter.all ?? []) this.add(jsonArrayContains(this.dialect, column), tag);
    if (filter.any) {
      this.add(
        filter.any.length ? jsonArrayContainsAny(this.dialect, column, filter.any.length) : '1 = 0',
        ...filter.any,
      );
    }
    if (filter.isNull != null) this.add(`${filter.isNull ? '' : 'NOT '}${jsonArrayIsEmpty(this.dialect, column)}`);
    return this;
  }

  time(column: string, filter: TimeFilter | undefined): this {
    if (!filter) return this;
    if (filter.after) this.add(`${column} >= ?`, this.codec.encodeTimestamp(new Date(filter.after)));
    if (filter.before) this.add(`${column} <= ?`, this.codec.encodeTimestamp(new Date(filter.before)));
    if (filter.isNull != null) this.add(`${column} IS ${filter.isNull ? '' : 'NOT '}NULL`);
    return this;
  }

  state(alias: string, filter: StateFilter | undefined): this {
    if (!filter) return this;
    this.string(`${alias}."stateType"`, filter.type ? { any: filter.type.any } : undefined);
    if (filter.type?.notAny?.length) {
      const n = filter.type.notAny.length;
      this.add(
        `(${alias}."stateType" IS NULL OR ${alias}."stateType" NOT IN (${placeholders(n)}))`,
        ...filter.type.notAny,
      );
    }
    this.string(`${alias}."stateName"`, filter.name ? { any: filter.name.any } : undefined);
    if (filter.name?.notAny?.length) {
      const n = filter.name.notAny.length;
      this.add(
        `(${alias}."stateName" IS NULL OR ${alias}."stateName" NOT IN (${placeholders(n)}))`,
        ...filter.name.notAny,
      );
    }
    return this;
  }

  flow(alias: string, filter: FlowFilter | undefined): this {
    if (!filter) return this;
    return this.uuid(`${alias}."id"`, filter.id)
      .string(`${alias}."name"`, filter.name)
      .tags(`${alias}."tags"`, filter.tags);
  }

  flowRun(alias: string, filter: FlowRunFilter | undefined): this {
    if (!filter) return this;
    const c = (name: string) => `${alias}."${name}"`;
    return this.uuid(c('id'), filter.id)
      .string(c('name'), filter.name)
      .tags(c('tags'), filter.tags)
      .state(alias, filter.state)
      .string(c('flowVersion'), filter.flowVersion)
      .string(c('idempotencyKey'), filter.idempotencyKey)
      .time(c('startTime'), filter.startTime)
      .time(c('endTime'), filter.endTime)
      .time(c('expectedStartTime'), filter.expectedStartTime)
      .time(c('nextScheduledStartTime'), filter.nextScheduledStartTime)
      .uuid(c('parentTaskRunId'), filter.parentTaskRunId)
      .uuid(c('deploymentId'), filter.deploymentId);
  }

  taskRun(alias: string, filter: TaskRunFilter | undefined): this {
    if (!filter) return this;
    const c = (name: string) => `${alias}."${name}"`;
    return this.uuid(c('id'), filter.id)
      .string(c('name'), filter.name)
      .tags(c('tags'), filter.tags)
      .state(alias, filter.state)
      .uuid(c('flowRunId'), filter.flowRunId)
      .string(c('taskKey'), filter.taskKey)
      .time(c('startTime'), filter.startTime)
      .time(c('expectedStartTime'), filter.expectedStartTime);
  }

  /**
   * All the filters of a flow-run list, on flow runs aliased `r`. `flowIds`: the ids `dto.flows`
   * matches, when the caller resolved them (else the flow filter is a sub-select).
   */
  flowRunFilters(dto: FlowRunFiltersDto, flowIds: string[] | null = null): this {
    this.flowRun('r', dto.flowRuns);
    this.uuid('r."deploymentId"', dto.deployments?.id);
    if (flowIds) this.uuid('r."flowId"', { any: flowIds });
    else {
      this.sub(
        (w) => w.flow('f', dto.flows),
        (inner) => `r."flowId" IN (SELECT f."id" FROM "flow" f WHERE ${inner})`,
      );
    }
    this.sub(
      (w) => w.taskRun('t', dto.taskRuns),
      (inner) => `EXISTS (SELECT 1 FROM "task_run" t WHERE t."flowRunId" = r."id" AND ${inner})`,
    );
    return this;
  }

  /** All the filters of a task-run list, on task runs aliased `t`. */
  taskRunFilters(dto: TaskRunFiltersDto): this {
    this.taskRun('t', dto.taskRuns);
    this.sub(
      (w) => {
        w.flowRun('r', dto.flowRuns);
        w.sub(
          (f) => f.flow('f', dto.flows),
          (inner) => `r."flowId" IN (SELECT f."id" FROM "flow" f WHERE ${inner})`,
        );
      },
      (inner) => `t."flowRunId" IN (SELECT r."id" FROM "flow_run" r WHERE ${inner})`,
    );
    return this;
  }
}

const FLOW_RUN_ORDER: Record<FlowRunSort, string> = {
  ID_DESC: 'r."id" DESC',
  START_TIME_DESC: 'r."startTime" DESC NULLS LAST, r."id" DESC',
  START_TIME_ASC: 'r."startTime" ASC NULLS LAST, r."id" ASC',
  EXPECTED_START_TIME_DESC: 'r."expectedStartTime" DESC NULLS LAST, r."id" DESC',
  EXPECTED_START_TIME_ASC: 'r."expectedStartTime" ASC NULLS LAST, r."id" ASC',
  NEXT_SCHEDULED_START_TIME_ASC: 'r."nextScheduledStartTime" ASC NULLS LAST, r."id" ASC',
  END_TIME_DESC: 'r."endTime" DESC NULLS LAST, r."id" DESC',
  NAME_ASC: 'r."name" ASC, r."id" ASC',
};

const TASK_RUN_ORDER: Record<TaskRunSort, string> = {
  ID_DESC: 't."id" DESC',
  EXPECTED_START_TIME_ASC: 't."expectedStartTime" ASC NULLS LAST, t."id" ASC',
  EXPECTED_START_TIME_DESC: 't."expectedStartTime" DESC NULLS LAST, t."id" DESC',
  START_TIME_ASC: 't."startTime" ASC NULLS LAST, t."id" ASC',
  START_TIME_DESC: 't."startTime" DESC NULLS LAST, t."id" DESC',
  END_TIME_DESC: 't."endTime" DESC NULLS LAST, t."id" DESC',
  NAME_ASC: 't."name" ASC, t."id" ASC',
};

const FLOW_ORDER: Record<FlowSort, string> = {
  CREATED_DESC: 'f."created" DESC, f."id" DESC',
  UPDATED_DESC: 'f."updated" DESC, f."id" DESC',
  NAME_ASC: 'f."name" ASC',
  NAME_DESC: 'f."name" DESC',
};

export function flowRunOrder(sort: FlowRunSort | undefined): string {
  return FLOW_RUN_ORDER[sort ?? 'ID_DESC'];
}

export function taskRunOrder(sort: TaskRunSort | undefined): string {
  return TASK_RUN_ORDER[sort ?? 'ID_DESC'];
}

export function flowOrder(sort: FlowSort | undefined): string {
  return FLOW_ORDER[sort ?? 'NAME_ASC'];
}
