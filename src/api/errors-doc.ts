// Renders docs/errors.md from the error catalogue; `npm run docs:errors` rewrites the committed file.
import { writeFileSync } from 'node:fs';
import { ERROR_CODE_GROUPS } from './errors.ts';

export const ERRORS_DOC_PATH = 'docs/errors.md';

export function renderErrorsDoc(): string {
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from src/api/errors.ts by `npm run docs:errors`; do not edit by hand. -->',
    '',
    'Every error the operator raises on purpose carries a stable `code` (logs show it as `reason` for terminal',
    'errors). **Retried** says what the controller does when the error reaches it: retry with backoff, or record',
    'the failure and stop until the object changes. Restore steps turn non-transient Aurora answers into the',
    'terminal `AuroraRpcFailed`.',
  ];
  for (const group of ERROR_CODE_GROUPS) {
    lines.push(
      '',
      `## ${group.title}`,
      '',
      `Raised as ${group.raisedAs.map((name) => `\`${name}\``).join(', ')}.`,
      '',
    );
    lines.push('| Code | Retried | Meaning |', '|---|---|---|');
    for (const [code, info] of Object.entries(group.codes)) {
      lines.push(`| \`${code}\` | ${info.retries ? 'yes' : 'no'} | ${info.meaning} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

if (import.meta.main) {
  writeFileSync(new URL(`../../${ERRORS_DOC_PATH}`, import.meta.url), renderErrorsDoc());
}
