import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { MAX_NAME_LENGTH, MAX_TAG_LENGTH, MAX_TAGS } from './common.dto';

/** Names: printable, no control characters, no slashes (they appear in URLs and CLIs). */
// eslint-disable-next-line no-control-regex
export const NAME_PATTERN = /^[^\u0000-\u001f\u007f/%]+$/u;

export class FlowCreateDto {
  @IsString()
  @Length(1, MAX_NAME_LENGTH)
  @Matches(NAME_PATTERN, { message: 'name must not contain control characters, "/" or "%"' })
  name: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @IsString({ each: true })
  @MaxLength(MAX_TAG_LENGTH, { each: true })
  tags?: string[];
}

export class FlowNameParamsDto {
  @IsString()
  @Length(1, MAX_NAME_LENGTH)
  name: string;
}
