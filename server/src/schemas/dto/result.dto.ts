import { IsString, Length, Matches, MaxLength } from 'class-validator';

export const RESULT_KEY_PATTERN = /^[A-Za-z0-9._:-]{1,255}$/;

export class ResultKeyParamsDto {
  @IsString()
  @Matches(RESULT_KEY_PATTERN, { message: 'key must be 1-255 characters of letters, digits, ".", "_", ":" or "-"' })
  key: string;
}

export class ResultCreateDto {
  @IsString()
  @Length(1, 64)
  serializer: string;

  /** The serialized value (the request body limit bounds it). */
  @IsString()
  @MaxLength(100 * 1024 * 1024)
  data: string;
}
