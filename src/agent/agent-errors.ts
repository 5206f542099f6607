// Errors between the operator and the backup agents, with codes from the catalogue in src/api/errors.ts.
import { OperatorError, type AgentErrorCode } from '../api/errors.ts';

export class AgentError extends OperatorError<AgentErrorCode> {
  constructor(code: AgentErrorCode, message: string) {
    super(code, message);
    this.name = 'AgentError';
  }
}

/** The agent's answers about one backup file (issue 22). */
export type AgentBackupCode = Extract<AgentErrorCode, 'AGENT_BACKUP_NOT_FOUND' | 'AGENT_BACKUP_UNREADABLE'>;

/** AgentBackupError is the AgentError of an answer about one backup file; `backupCode` repeats its code for callers. */
export class AgentBackupError extends AgentError {
  readonly backupCode: AgentBackupCode;

  constructor(backupCode: AgentBackupCode, message: string) {
    super(backupCode, message);
    this.backupCode = backupCode;
  }
}
