/**
 * Names of flows and deployments for the ids a page shows (runs carry only `flowId`/`deploymentId`).
 * Fetched in one bounded request per page for the ids not yet known, then kept for the session.
 */
import { inject, Injectable, signal } from '@angular/core';
import { ApiClient } from './api-client';

@Injectable({ providedIn: 'root' })
export class Names {
  private readonly api = inject(ApiClient);
  private readonly flows = signal<ReadonlyMap<string, string>>(new Map());
  private readonly deployments = signal<ReadonlyMap<string, string>>(new Map());
  private readonly asked = new Set<string>();

  flow(id: string | null | undefined): string | undefined {
    return id ? this.flows().get(id) : undefined;
  }

  deployment(id: string | null | undefined): string | undefined {
    return id ? this.deployments().get(id) : undefined;
  }

  /** Loads the names of the given ids that are not known yet (ignores failures: names are cosmetic). */
  load(runs: readonly { flowId?: string; deploymentId?: string | null }[]): void {
    const flowIds = this.missing(runs.map((r) => r.flowId));
    const deploymentIds = this.missing(runs.map((r) => r.deploymentId));
    if (flowIds.length) {
      this.api.filterFlows({ flows: { id: { any: flowIds } }, limit: flowIds.length }).subscribe({
        next: (flows) => this.flows.update((m) => new Map([...m, ...flows.map((f) => [f.id, f.name] as const)])),
        error: () => flowIds.forEach((id) => this.asked.delete(id)),
      });
    }
    if (deploymentIds.length) {
      this.api
        .filterDeployments({ deployments: { id: { any: deploymentIds } }, limit: deploymentIds.length })
        .subscribe({
          next: (list) => this.deployments.update((m) => new Map([...m, ...list.map((d) => [d.id, d.name] as const)])),
          error: () => deploymentIds.forEach((id) => this.asked.delete(id)),
        });
    }
  }

  /** Records a name the page already has (e.g. from a detail read). */
  remember(kind: 'flow' | 'deployment', id: string, name: string): void {
    const target = kind === 'flow' ? this.flows : this.deployments;
    target.update((m) => new Map([...m, [id, name]]));
  }

  private missing(ids: (string | null | undefined)[]): string[] {
    const out = [...new Set(ids.filter((id): id is string => !!id && !this.asked.has(id)))];
    out.forEach((id) => this.asked.add(id));
    return out;
  }
}
