/** Small DTOs and validators shared by the resource DTOs. Contract: only class-validator/transformer. */
import {
  IsInt,
  IsObject,
  IsOptional,
  IsUUID,
  Max,
  Min,
  registerDecorator,
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
 * A nested DTO given as one JSON object. `@ValidateNested()` alone validates an array item by item, so
 * `{ state: [{ type: 'RUNNING' }] }` passed as a SetStateDto (and failed later with a 500).
 */
export function ValidateNestedObject(): PropertyDecorator {
  return (target, propertyName) => {
    IsObject({ message: `${String(propertyName)} must be a JSON object` })(target, propertyName);
    ValidateNested()(target, propertyName);
  };
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
