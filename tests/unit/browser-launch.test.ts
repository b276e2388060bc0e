// Every browser the tests and the bench start comes from the one finder (scripts/lib/browser.ts), so
// `npm test` passes on a machine without a system Chromium. A test that launches a path of its own
// (e.g. '/usr/bin/chromium') fails there; this keeps one from coming back.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/lib/migrate';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return /\.(ts|tsx)$/.test(entry.name) ? [file] : [];
  });
}

describe('browser launches', () => {
  it('go through scripts/lib/browser.ts (no test or script names a Chromium path itself)', () => {
    const finder = path.join(PROJECT_ROOT, 'scripts', 'lib', 'browser.ts');
    const offenders = [...sourceFiles(path.join(PROJECT_ROOT, 'tests')), ...sourceFiles(path.join(PROJECT_ROOT, 'scripts'))]
      .filter((file) => file !== finder && file !== __filename)
      .filter((file) => /['"`]\/usr\/bin\/(chromium|google-chrome)|executablePath:\s*process\.env\.CHROMIUM_PATH/.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(PROJECT_ROOT, file));
    expect(offenders).toEqual([]);
  });
});
