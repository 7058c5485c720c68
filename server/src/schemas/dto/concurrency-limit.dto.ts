import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export class ConcurrencyLimitCreateDto {
  @IsString() @Length(1, 255) tag: string;
  @IsInt() @Min(0) @Max(1_000_000) concurrencyLimit: number;
}

export class TagParamsDto {
  @IsString() @Length(1, 255) tag: string;
}

export class ConcurrencyLimitFilterDto {
  @IsOptional() @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @IsInt() @Min(0) @Max(10_000_000) offset?: number;
}
