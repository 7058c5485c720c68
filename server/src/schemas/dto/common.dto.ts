/** Small DTOs and validators shared by the resource DTOs. Contract: only class-validator/transformer. */
import { Transform, Type, type ClassConstructor } from 'class-transformer';
import {
  IsInt,
  IsObject,
  IsOptional,
  IsUUID,
  Max,
  Min,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';

export const MAX_NAME_LENGTH = 255;
export const MAX_TAGS = 100;
export const MAX_TAG_LENGTH = 255;
export const DEFAULT_LIMIT = 200;
export const MAX_LIMIT = 1000;

/** Route params `:id`. */
export class IdParamsDto {
  @IsUUID('all', { message: 'id must be a UUID' })
  id: string;
}

/** `limit` and `offset` of list requests. */
export class PageDto {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  offset?: number;
}

/**
 * Like `@IsOptional()`, but only for an absent field: `null` is still validated (and so refused by the
 * field's other decorators). For update fields whose column cannot be cleared.
 */
export function IsOmittable(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined, options);
}

/**
 * One nested object of class `type`, validated with its own decorators. `@ValidateNested()` alone also
 * accepts an array and validates its items, which let `state: []` or `empiricalPolicy: [{…}]` through.
 */
export function Nested(type: () => ClassConstructor<object>): PropertyDecorator {
  const decorators = [IsObject(), ValidateNested(), Type(type)];
  return (target, propertyName) => decorators.forEach((decorate) => decorate(target, propertyName));
}

/**
 * Free-form JSON (parameters, task inputs, state data) is kept exactly as sent: class-transformer would
 * otherwise rebuild it and silently drop keys named like Object.prototype members (`toString`,
 * `valueOf`, …). The keys `__proto__` and `constructor` are refused before this runs (api/validation.ts).
 */
export function KeepAsSent(): PropertyDecorator {
  return Transform(({ obj, key }) => (obj as Record<string, unknown>)[key], { toClassOnly: true });
}

/** A plain JSON object (not an array, not null). */
export function IsPlainObject(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isPlainObject',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `${String(propertyName)} must be a JSON object`, ...options },
      validator: {
        validate: (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value),
      },
    });
}

/** A non-negative number of seconds, or a list of them (at most `maxItems`). */
export function IsDelaySeconds(maxItems: number, options?: ValidationOptions): PropertyDecorator {
  const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 31_536_000;
  return (target, propertyName) =>
    registerDecorator({
      name: 'isDelaySeconds',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: (args: ValidationArguments) =>
          `${args.property} must be a number of seconds (0 to one year) or a list of at most ${maxItems} such numbers`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          ok(value) || (Array.isArray(value) && value.length <= maxItems && value.every(ok)),
      },
    });
}
