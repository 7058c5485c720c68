import { IsDefined, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { KeepAsSent } from './common.dto';

export const INPUT_KEY_PATTERN = /^[A-Za-z0-9._:-]{1,255}$/;

export class FlowRunInputCreateDto {
  @IsString()
  @Matches(INPUT_KEY_PATTERN, { message: 'key must be 1-255 characters of letters, digits, ".", "_", ":" or "-"' })
  key: string;

  /** Any JSON value. */
  @IsDefined({ message: 'value is required' })
  @KeepAsSent()
  value: unknown;
}

export class FlowRunInputParamsDto {
  @IsUUID('all', { message: 'id must be a UUID' }) id: string;
  @IsString() @Length(1, 255) key: string;
}

export class FlowRunResumeDto {
  /** The input a run waiting for input asked for (checked against the schema it paused with). */
  @IsOptional() @KeepAsSent() runInput?: unknown;
}
