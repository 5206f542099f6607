// Errors between the operator and the backup agents, with codes from the catalogue in src/api/errors.ts.
import { OperatorError, type AgentErrorCode, type ErrorCodeInfo } from '../api/errors.ts';

export class AgentError extends OperatorError<AgentErrorCode> {
  constructor(code: AgentErrorCode, message: string) {
    super(code, message);
    this.name = 'AgentError';
  }
}

/** The agent's answers about one backup file (issue 22); they belong in AGENT_CODES of src/api/errors.ts. */
export const AGENT_BACKUP_CODES = {
  AGENT_BACKUP_NOT_FOUND: {
    meaning: 'A backup agent has no backup file of the requested name on its replica (HTTP 404).',
    retries: true,
  },
  AGENT_BACKUP_UNREADABLE: {
    meaning:
      'A backup agent could not decode the backup file as a Thrift Snapshot (HTTP 422 with the problem); retrying reads the same bytes.',
    retries: false,
  },
} as const satisfies Record<string, ErrorCodeInfo>;
export type AgentBackupCode = keyof typeof AGENT_BACKUP_CODES;

/**
 * AgentBackupError is the AgentError of an answer about one backup file: `backupCode` names it and `terminal` follows
 * it. Until the catalogue lists the codes, `code` stays AGENT_HTTP_STATUS, the code it is reported under.
 */
export class AgentBackupError extends AgentError {
  readonly backupCode: AgentBackupCode;
  override readonly terminal: boolean;

  constructor(backupCode: AgentBackupCode, message: string) {
    super('AGENT_HTTP_STATUS', message);
    this.backupCode = backupCode;
    this.terminal = !AGENT_BACKUP_CODES[backupCode].retries;
  }
}
