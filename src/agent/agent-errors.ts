// Errors between the operator and the backup agents, with codes from the catalogue in src/api/errors.ts.
import { OperatorError, type AgentErrorCode } from '../api/errors.ts';

export class AgentError extends OperatorError<AgentErrorCode> {
  constructor(code: AgentErrorCode, message: string) {
    super(code, message);
    this.name = 'AgentError';
  }
}
