import { IsUUID } from 'class-validator';

export class FlowRunStatesQueryDto {
  @IsUUID('all', { message: 'flowRunId must be a UUID' }) flowRunId: string;
}

export class TaskRunStatesQueryDto {
  @IsUUID('all', { message: 'taskRunId must be a UUID' }) taskRunId: string;
}
