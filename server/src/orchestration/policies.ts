/**
 * The policies (orchestration.md §4–§5). Order matters; the comments say where and why.
 * Deployment concurrency, late marking, pausing and cancellation rules join with their issue.
 */
import { definePolicy } from './policy';
import { CacheInsertion, CacheRetrieval } from './rules/caching';
import { BypassCancellingFlowRunsWithNoInfra, EnforceCancellingToCancelledTransition } from './rules/cancellation';
import {
  ReleaseFlowConcurrencySlots,
  ReleaseTaskConcurrencySlots,
  SecureFlowConcurrencySlots,
  SecureTaskConcurrencySlots,
} from './rules/concurrency';
import { PreventDuplicateTransitions } from './rules/duplicates';
import { PreventRunningTasksFromStoppedFlows, UpdateFlowRunTrackerOnTasks } from './rules/flow-runs';
import { EnsureOnlyScheduledFlowsMarkedLate } from './rules/late-runs';
import { PreventPendingTransitions } from './rules/pending';
import { HandlePausingFlows, HandleResumingPausedFlows } from './rules/pausing';
import { RenameReruns, RetryCrashedDeploymentRuns, RetryFailedFlows, RetryFailedTasks } from './rules/retries';
import { CopyScheduledTime, WaitForScheduledTime } from './rules/scheduling';
import {
  HandleFlowTerminalStateTransitions,
  HandleTaskTerminalStateTransitions,
  PreventResultDataLoss,
} from './rules/terminal';

export const CoreFlowPolicy = definePolicy('CoreFlowPolicy', [
  // First: a re-sent request must be a no-op before any other rule reacts to it.
  PreventDuplicateTransitions,
  HandleFlowTerminalStateTransitions,
  EnforceCancellingToCancelledTransition,
  BypassCancellingFlowRunsWithNoInfra,
  // A second claim is aborted before it could take a deployment slot.
  PreventPendingTransitions,
  SecureFlowConcurrencySlots,
  EnsureOnlyScheduledFlowsMarkedLate,
  HandlePausingFlows,
  HandleResumingPausedFlows,
  // Copy before waiting, so a claimed (PENDING) run still waits for its scheduled time.
  CopyScheduledTime,
  WaitForScheduledTime,
  RetryFailedFlows,
  RetryCrashedDeploymentRuns,
  // Last: releases the deployment slot according to the state actually written.
  ReleaseFlowConcurrencySlots,
]);

export const CoreTaskPolicy = definePolicy('CoreTaskPolicy', [
  PreventDuplicateTransitions,
  // Before the terminal guard and the concurrency rule: a cache hit never runs and never takes a slot.
  CacheRetrieval,
  HandleTaskTerminalStateTransitions,
  PreventRunningTasksFromStoppedFlows,
  // Takes slots; a later WAIT (scheduled time) makes it fizzle and its cleanup gives them back.
  SecureTaskConcurrencySlots,
  CopyScheduledTime,
  WaitForScheduledTime,
  RetryFailedTasks,
  RenameReruns,
  UpdateFlowRunTrackerOnTasks,
  CacheInsertion,
  // Last: releases slots according to the state actually written.
  ReleaseTaskConcurrencySlots,
]);

/** With `force`: only what protects stored data and bookkeeping. Global transforms still run. */
export const MinimalFlowPolicy = definePolicy('MinimalFlowPolicy', [
  PreventResultDataLoss,
  BypassCancellingFlowRunsWithNoInfra,
  ReleaseFlowConcurrencySlots,
]);

export const MinimalTaskPolicy = definePolicy('MinimalTaskPolicy', [ReleaseTaskConcurrencySlots]);

/** The late-runs service's policy: its only proposal is SCHEDULED → Late. */
export const MarkLateRunsPolicy = definePolicy('MarkLateRunsPolicy', [EnsureOnlyScheduledFlowsMarkedLate]);
