import type { CheckResult } from './types';

/** One line per check, ✓ or ✗, with the fix indented under each failure. */
export function formatReport(results: readonly CheckResult[]): string {
  const lines = results.flatMap((r) => {
    const line = `${r.ok ? '✓' : '✗'} ${r.name}: ${r.detail}`;
    return r.ok || !r.fix ? [line] : [line, `    fix: ${r.fix}`];
  });
  const failed = results.filter((r) => !r.ok).length;
  lines.push(
    '',
    failed === 0
      ? `all ${results.length} checks passed`
      : `${failed} of ${results.length} checks failed`,
  );
  return lines.join('\n');
}

export function exitCodeOf(results: readonly CheckResult[]): number {
  return results.every((r) => r.ok) ? 0 : 1;
}
