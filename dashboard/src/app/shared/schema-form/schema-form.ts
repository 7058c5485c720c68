/**
 * A form generated from a JSON schema (deployment parameters, pause input). `collect()` validates in
 * the browser and returns the typed value, or null and shows the errors; `serverErrors` (a 422's
 * details, e.g. `parameters.request.topN`) are shown on the fields they name.
 */
import { NgTemplateOutlet } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  ElementRef,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { buildValue, type FieldError, fieldsOf, type FormField, rawValues, type Schema, validate } from './json-schema';

const WHOLE = '__all';

@Component({
  selector: 'rg-schema-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [NgTemplateOutlet],
  styles: `
    fieldset {
      border: 1px solid var(--border-soft);
      border-radius: var(--radius);
      padding: 0.5rem 0.9rem;
      margin: 0 0 0.8rem;
    }
    legend {
      font-weight: 600;
      font-size: 0.9rem;
      padding: 0 0.3rem;
    }
    .req {
      color: var(--danger);
      margin-left: 0.15rem;
    }
    label .muted {
      margin-left: 0.3rem;
      font-weight: 400;
    }
  `,
  template: `
    @if (generalErrors().length) {
      <div class="alert alert-error" role="alert">
        <ul>
          @for (e of generalErrors(); track $index) {
            <li>
              <code>{{ e.field || 'value' }}</code> {{ e.message }}
            </li>
          }
        </ul>
      </div>
    }
    <ng-container [ngTemplateOutlet]="list" [ngTemplateOutletContext]="{ $implicit: fields() }" />

    <ng-template #list let-fields>
      @for (f of fields; track f.path) {
        @if (f.kind === 'object') {
          <fieldset [attr.data-field]="f.path">
            <legend>
              {{ f.label }}
              @if (f.required) {
                <span class="req" aria-hidden="true">*</span>
              }
            </legend>
            @for (message of errorsOf(f.path); track $index) {
              <div class="field-error">{{ message }}</div>
            }
            <ng-container [ngTemplateOutlet]="list" [ngTemplateOutletContext]="{ $implicit: f.children }" />
          </fieldset>
        } @else {
          <div class="field" [attr.data-field]="f.path">
            @if (f.kind === 'boolean') {
              <label class="check">
                <input
                  type="checkbox"
                  [id]="idOf(f)"
                  [checked]="raw().get(f.path) === true"
                  (change)="set(f.path, $any($event.target).checked)"
                />
                {{ f.label }}
              </label>
            } @else {
              <label [for]="idOf(f)"
                >{{ f.label }}
                @if (f.required) {
                  <span class="req" aria-hidden="true">*</span>
                }
                <span class="muted">{{ hint(f) }}</span></label
              >
              @switch (f.kind) {
                @case ('enum') {
                  <select
                    [id]="idOf(f)"
                    [attr.aria-invalid]="invalid(f.path)"
                    [attr.aria-describedby]="idOf(f) + '-error'"
                    (change)="set(f.path, $any($event.target).value)"
                  >
                    @if (!f.required) {
                      <option value="">—</option>
                    }
                    @for (option of f.schema.enum; track $index) {
                      <option [value]="option" [selected]="raw().get(f.path) === '' + option">{{ option }}</option>
                    }
                  </select>
                }
                @case ('json') {
                  <textarea
                    [id]="idOf(f)"
                    rows="4"
                    [attr.aria-invalid]="invalid(f.path)"
                    [attr.aria-describedby]="idOf(f) + '-error'"
                    [value]="raw().get(f.path) ?? ''"
                    (input)="set(f.path, $any($event.target).value)"
                  ></textarea>
                }
                @default {
                  <input
                    [id]="idOf(f)"
                    [type]="f.kind === 'string' ? 'text' : 'number'"
                    [attr.step]="f.kind === 'integer' ? 1 : 'any'"
                    [attr.aria-invalid]="invalid(f.path)"
                    [attr.aria-describedby]="idOf(f) + '-error'"
                    [attr.aria-required]="f.required"
                    [value]="raw().get(f.path) ?? ''"
                    (input)="set(f.path, $any($event.target).value)"
                  />
                }
              }
            }
            @if (f.description) {
              <span class="field-help">{{ f.description }}</span>
            }
            <span class="field-error" [id]="idOf(f) + '-error'" role="status">{{ errorsOf(f.path).join('; ') }}</span>
          </div>
        }
      }
    </ng-template>
  `,
})
export class SchemaForm {
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  readonly schema = input.required<Schema>();
  readonly value = input<Record<string, unknown>>({});
  /** Field errors from the server, with their root (`parameters`, `runInput`) already stripped. */
  readonly serverErrors = input<FieldError[]>([]);
  readonly idPrefix = input('sf');

  protected readonly fields = computed<FormField[]>(() => {
    const fields = fieldsOf(this.schema());
    return fields.length
      ? fields
      : [
          {
            path: WHOLE,
            name: WHOLE,
            label: 'Values (JSON object)',
            kind: 'json',
            required: false,
            schema: { type: 'object' },
            children: [],
          },
        ];
  });
  protected readonly raw = signal<ReadonlyMap<string, string | boolean>>(new Map());
  private readonly browserErrors = signal<FieldError[]>([]);
  private readonly errors = computed(() => [...this.browserErrors(), ...this.serverErrors()]);
  private readonly paths = computed(() => {
    const out = new Set<string>();
    const walk = (fields: FormField[]) => fields.forEach((f) => (out.add(f.path), walk(f.children)));
    walk(this.fields());
    return out;
  });
  protected readonly generalErrors = computed(() => this.errors().filter((e) => !this.paths().has(e.field)));

  constructor() {
    effect(() => {
      const fields = this.fields();
      const value = this.value();
      untracked(() => {
        const raw =
          fields[0]?.path === WHOLE ? new Map([[WHOLE, JSON.stringify(value, null, 2)]]) : rawValues(fields, value);
        this.raw.set(raw);
        this.browserErrors.set([]);
      });
    });
  }

  protected idOf(f: FormField): string {
    return `${this.idPrefix()}-${f.path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  }

  protected hint(f: FormField): string {
    if (f.kind === 'json') return '(JSON)';
    if (f.schema.format) return `(${f.schema.format})`;
    return f.kind === 'integer' ? '(whole number)' : '';
  }

  protected set(path: string, value: string | boolean): void {
    this.raw.update((raw) => new Map(raw).set(path, value));
    this.browserErrors.update((errors) => errors.filter((e) => e.field !== path));
  }

  protected errorsOf(path: string): string[] {
    return this.errors()
      .filter((e) => e.field === path)
      .map((e) => e.message);
  }

  protected invalid(path: string): boolean | null {
    return this.errorsOf(path).length > 0 ? true : null;
  }

  /** The typed value when the browser finds it valid; otherwise null, with the errors shown. */
  collect(): Record<string, unknown> | null {
    const errors: FieldError[] = [];
    let value: Record<string, unknown>;
    if (this.fields()[0]?.path === WHOLE) {
      value = {};
      const text = String(this.raw().get(WHOLE) ?? '').trim();
      try {
        value = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error();
      } catch {
        errors.push({ field: WHOLE, message: 'must be a JSON object, e.g. {"day": "2026-11-24"}' });
      }
    } else {
      value = buildValue(this.fields(), this.raw(), errors);
      if (!errors.length) errors.push(...validate(this.schema(), value));
    }
    this.browserErrors.set(errors);
    if (errors.length) {
      queueMicrotask(() => this.host.nativeElement.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return null;
    }
    return value;
  }
}
