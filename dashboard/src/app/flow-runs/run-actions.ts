/**
 * What can be done to a flow run: cancel (CANCELLING), retry a finished deployment run (SCHEDULED, a
 * worker picks it up), resume a paused run (with a typed input form when it waits for input), and
 * force a state. Each proposal's answer (ACCEPT / REJECT / WAIT / ABORT and why) is shown.
 */
import { ChangeDetectionStrategy, Component, computed, inject, input, signal, viewChild } from '@angular/core';
import type { Observable } from 'rxjs';
import { ApiClient, type StateProposal } from '../core/api-client';
import { ApiError } from '../core/api-error';
import type { FlowRun, OrchestrationResult, StateType } from '../core/models';
import type { FieldError, Schema } from '../shared/schema-form/json-schema';
import { SchemaForm } from '../shared/schema-form/schema-form';
import { STATE_ORDER } from '../shared/state-colors';
import { isTerminal } from '@rigel/server/schemas/states';

type Panel = 'cancel' | 'resume' | 'force' | null;

@Component({
  selector: 'rg-run-actions',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [SchemaForm],
  templateUrl: './run-actions.html',
})
export class RunActions {
  private readonly api = inject(ApiClient);
  readonly run = input.required<FlowRun>();

  protected readonly stateTypes = STATE_ORDER;
  protected readonly panel = signal<Panel>(null);
  protected readonly busy = signal(false);
  protected readonly outcome = signal<{ ok: boolean; text: string } | null>(null);
  protected readonly inputSchema = signal<Schema | null>(null);
  protected readonly inputErrors = signal<FieldError[]>([]);
  protected readonly forceType = signal<StateType>('COMPLETED');
  protected readonly forceMessage = signal('');
  private readonly inputForm = viewChild(SchemaForm);

  protected readonly type = computed(() => this.run().stateType);
  protected readonly canCancel = computed(() => !isTerminal(this.type()) && this.type() !== 'CANCELLING');
  protected readonly canRetry = computed(() => isTerminal(this.type()));
  protected readonly canResume = computed(() => this.type() === 'PAUSED');
  protected readonly waitsForInput = computed(() => !!this.run().state?.stateDetails.runInputKeyset?.['schema']);

  protected toggle(panel: Panel): void {
    this.outcome.set(null);
    this.panel.update((p) => (p === panel ? null : panel));
    if (panel === 'resume' && this.waitsForInput()) this.loadInputSchema();
  }

  protected cancel(): void {
    this.propose(
      this.api.setState('flow', this.run().id, { type: 'CANCELLING', message: 'Cancelled from the dashboard' }),
    );
  }

  protected retry(): void {
    const state: StateProposal = {
      type: 'SCHEDULED',
      name: 'AwaitingRetry',
      message: 'Retried from the dashboard',
      stateDetails: { scheduledTime: new Date().toISOString() },
    };
    this.propose(this.api.setState('flow', this.run().id, state));
  }

  protected force(): void {
    const message = this.forceMessage().trim() || 'Set from the dashboard';
    this.propose(this.api.setState('flow', this.run().id, { type: this.forceType(), message }, true));
  }

  protected resume(): void {
    let runInput: unknown;
    if (this.waitsForInput()) {
      const value = this.inputForm()?.collect();
      if (!value) return;
      runInput = value;
    }
    this.inputErrors.set([]);
    this.propose(this.api.resumeFlowRun(this.run().id, runInput), (error) => {
      const details = error.details
        .filter((d) => d.field.startsWith('runInput'))
        .map((d) => ({ field: d.field.replace(/^runInput\.?/, ''), message: d.message }));
      this.inputErrors.set(details);
    });
  }

  private loadInputSchema(): void {
    const key = String(this.run().state?.stateDetails.runInputKeyset?.['schema']);
    this.inputSchema.set(null);
    this.api.flowRunInput(this.run().id, key).subscribe({
      next: (input) => this.inputSchema.set(input.value as Schema),
      error: (e: unknown) =>
        this.outcome.set({ ok: false, text: `The input form could not be loaded: ${ApiError.from(e).message}` }),
    });
  }

  private propose(request: Observable<OrchestrationResult>, onError?: (error: ApiError) => void): void {
    this.busy.set(true);
    this.outcome.set(null);
    request.subscribe({
      next: (result) => {
        this.busy.set(false);
        this.outcome.set(describe(result));
        if (result.status === 'ACCEPT') this.panel.set(null);
      },
      error: (e: unknown) => {
        const error = ApiError.from(e);
        this.busy.set(false);
        this.outcome.set({ ok: false, text: error.message });
        onError?.(error);
      },
    });
  }
}

/** "Accepted: now Cancelling" / "Rejected: Cancelled instead (…reason)" / "Aborted: …". */
export function describe(result: OrchestrationResult): { ok: boolean; text: string } {
  const reason = 'reason' in result.details && result.details.reason ? ` ${result.details.reason}` : '';
  const state = result.state?.name ?? 'unchanged';
  switch (result.status) {
    case 'ACCEPT':
      return { ok: true, text: `Accepted: the run is now ${state}.${reason}` };
    case 'REJECT':
      return { ok: result.state !== null, text: `The server chose another state: ${state}.${reason}` };
    case 'WAIT':
      return { ok: false, text: `The server asked to wait.${reason}` };
    default:
      return { ok: false, text: `Refused (${result.status}).${reason}` };
  }
}
