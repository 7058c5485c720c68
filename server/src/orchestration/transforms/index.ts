import { SetRunState } from './state';
import {
  IncrementRunCount,
  IncrementRunTime,
  SetEndTime,
  SetExpectedStartTime,
  SetNextScheduledStartTime,
  SetStartTime,
} from './timing';
import type { GlobalTransform } from './transform';

export { buildValidatedState } from './state';
export type { GlobalTransform } from './transform';

/** Applied in this order to every written transition; IncrementRunTime reads the initial state first. */
export const GLOBAL_TRANSFORMS: readonly GlobalTransform[] = [
  IncrementRunTime,
  IncrementRunCount,
  SetStartTime,
  SetEndTime,
  SetExpectedStartTime,
  SetNextScheduledStartTime,
  SetRunState,
];
