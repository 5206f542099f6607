// The outcome of one symptom rule: a condition without its type, status True meaning the good state.
import type { ConditionInput } from '../api/conditions.ts';

export type Verdict = Omit<ConditionInput, 'type' | 'observedGeneration'>;

export const good = (reason: string, message: string): Verdict => ({ status: 'True', reason, message });
export const bad = (reason: string, message: string): Verdict => ({ status: 'False', reason, message });
export const unknown = (reason: string, message: string): Verdict => ({ status: 'Unknown', reason, message });
