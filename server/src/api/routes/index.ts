import type { Services } from '../../services';
import type { AnyRoute } from '../route';
import { concurrencyLimitsRoutes } from './concurrency-limits.routes';
import { flowRunsRoutes } from './flow-runs.routes';
import { flowsRoutes } from './flows.routes';
import { deploymentsRoutes } from './deployments.routes';
import { healthRoutes } from './health.routes';
import { logsRoutes } from './logs.routes';
import { resultsRoutes } from './results.routes';
import { statesRoutes } from './states.routes';
import { taskRunsRoutes } from './task-runs.routes';
import { workPoolsRoutes } from './work-pools.routes';

/** Every REST route, in mount order (literal paths before `:id` paths of the same resource). */
export function allRoutes(services: Services): AnyRoute[] {
  return [
    ...healthRoutes(services),
    ...flowsRoutes(services),
    ...flowRunsRoutes(services),
    ...taskRunsRoutes(services),
    ...statesRoutes(services),
    ...logsRoutes(services),
    ...concurrencyLimitsRoutes(services),
    ...resultsRoutes(services),
    ...deploymentsRoutes(services),
    ...workPoolsRoutes(services),
  ];
}
