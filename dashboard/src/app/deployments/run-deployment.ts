/**
 * "Run" a deployment: a form generated from its parameter schema (defaults filled in), checked in
 * the browser, then by the server; a 422 names the bad fields, which the form shows where they belong.
 * On success the new run's page opens.
 */
import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { ApiClient } from '../core/api-client';
import { ApiError } from '../core/api-error';
import { query } from '../core/query';
import { RequestStatus } from '../shared/request-status';
import type { FieldError, Schema } from '../shared/schema-form/json-schema';
import { SchemaForm } from '../shared/schema-form/schema-form';

@Component({
  selector: 'rg-run-deployment',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, RequestStatus, SchemaForm],
  template: `
    <rg-request-status [query]="deployment" what="Deployment" />
    @if (deployment.value(); as d) {
      <div class="breadcrumb">
        <a routerLink="/deployments">Deployments</a> › <a [routerLink]="['/deployments', d.id]">{{ d.name }}</a> ›
      </div>
      <h1>Run {{ d.name }}</h1>
      <p class="muted">The run is scheduled now; a worker on pool “{{ d.workPoolName ?? 'default' }}” starts it.</p>
      <form class="card run-form" aria-label="Run parameters" (submit)="$event.preventDefault(); submit()">
        <h2>Parameters</h2>
        <rg-schema-form
          [schema]="schema(d.parameterSchema)"
          [value]="d.parameters"
          [serverErrors]="fieldErrors()"
          idPrefix="param"
        />
        <h2>Run</h2>
        <div class="field">
          <label for="run-name">Run name <span class="muted">(optional)</span></label>
          <input
            id="run-name"
            type="text"
            [value]="name()"
            (input)="name.set($any($event.target).value)"
            placeholder="generated"
          />
        </div>
        <div class="field">
          <label for="run-tags">Extra tags <span class="muted">(comma separated)</span></label>
          <input id="run-tags" type="text" [value]="tags()" (input)="tags.set($any($event.target).value)" />
        </div>
        @if (error(); as e) {
          <div class="alert alert-error" role="alert">{{ e }}</div>
        }
        <div class="actions">
          <button type="submit" class="btn btn-primary" [disabled]="busy()">{{ busy() ? 'Starting…' : 'Run' }}</button>
          <a class="btn" [routerLink]="['/deployments', d.id]">Cancel</a>
        </div>
      </form>
    }
  `,
})
export class RunDeployment {
  private readonly api = inject(ApiClient);
  private readonly router = inject(Router);
  readonly id = input.required<string>();
  protected readonly deployment = query(() => this.api.deployment(this.id()));
  protected readonly name = signal('');
  protected readonly tags = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly fieldErrors = signal<FieldError[]>([]);
  private readonly form = viewChild.required(SchemaForm);

  constructor() {
    effect(() => {
      this.id();
      untracked(() => this.deployment.run());
    });
  }

  protected schema(parameterSchema: Record<string, unknown>): Schema {
    return parameterSchema as Schema;
  }

  protected submit(): void {
    this.error.set(null);
    this.fieldErrors.set([]);
    const parameters = this.form().collect();
    if (!parameters) {
      this.error.set('Some parameters are not valid; see the fields marked above.');
      return;
    }
    const tags = this.tags()
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    this.busy.set(true);
    this.api
      .runDeployment(this.id(), {
        parameters,
        ...(this.name().trim() ? { name: this.name().trim() } : {}),
        ...(tags.length ? { tags } : {}),
      })
      .subscribe({
        next: (run) => void this.router.navigate(['/flow-runs', run.id]),
        error: (e: unknown) => {
          const error = ApiError.from(e);
          this.busy.set(false);
          const params = error.details.filter((d) => d.field === 'parameters' || d.field.startsWith('parameters.'));
          this.fieldErrors.set(
            params.map((d) => ({ field: d.field.replace(/^parameters\.?/, ''), message: d.message })),
          );
          this.error.set(`The server refused the run: ${error.message}`);
        },
      });
  }
}
