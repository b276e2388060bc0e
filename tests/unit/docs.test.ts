// The README and docs/ as a new user meets them on a fresh clone: short README, every link and anchor
// resolves, every `npm run` named exists, every file path named is in the repository, no internal
// tracker numbers, and the Deploy button is the one package.json's repository makes.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployButton } from '../../scripts/lib/deploy-button';

const ROOT = path.resolve(__dirname, '../..');
const DOCS = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
const PAGES = ['README.md', ...DOCS];
const read = (page: string) => fs.readFileSync(path.join(ROOT, page), 'utf8');

/** The text outside fenced code blocks (headings and links in code are not the page's). */
function prose(markdown: string): string {
  return markdown.split(/^```.*$/m).filter((_, i) => i % 2 === 0).join('\n');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped (not - or _), spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(page: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const match of prose(read(page)).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(match[1] ?? '');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

function links(page: string): string[] {
  return [...prose(read(page)).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1] ?? '');
}

describe('the README and docs/', () => {
  it('keeps the README to at most 150 lines', () => {
    expect(read('README.md').split('\n').length).toBeLessThanOrEqual(150);
  });

  it.each(PAGES)('%s: every relative link and anchor resolves', (page) => {
    const broken: string[] = [];
    for (const link of links(page)) {
      if (/^[a-z][a-z+.-]*:/i.test(link)) continue; // https:, mailto:
      const [file, anchor] = link.split('#');
      const target = file ? path.posix.normalize(path.posix.join(path.posix.dirname(page), decodeURIComponent(file))) : page;
      if (!fs.existsSync(path.join(ROOT, target))) { broken.push(`${link} (no ${target})`); continue; }
      if (anchor && target.endsWith('.md') && !anchors(target).has(anchor)) broken.push(`${link} (no heading #${anchor} in ${target})`);
    }
    expect(broken).toEqual([]);
  });

  it.each(PAGES)('%s: every `npm run` it names is a script in package.json', (page) => {
    const scripts = Object.keys(JSON.parse(read('package.json')).scripts as Record<string, string>);
    const named = [...read(page).matchAll(/npm run ([a-z][\w:-]*)/g)].map((m) => m[1] ?? '');
    expect(named.filter((name) => !scripts.includes(name))).toEqual([]);
  });

  it.each(PAGES)('%s: every file of the repository it names in code is there', (page) => {
    const named = [...read(page).matchAll(/`((?:app|lib|components|scripts|tests|supabase|docs|bench)\/[\w./\[\]-]+)`/g)]
      .map((m) => (m[1] ?? '').replace(/[.:,]$/, ''))
      .filter((p) => !/[*…]/.test(p));
    expect(named.filter((p) => !fs.existsSync(path.join(ROOT, p)))).toEqual([]);
  });

  it.each(PAGES)('%s: every migration it names is in supabase/migrations', (page) => {
    const migrations = fs.readdirSync(path.join(ROOT, 'supabase/migrations'));
    const named = [...read(page).matchAll(/\b(\d{14}_\w+\.sql)\b/g)].map((m) => m[1] ?? '');
    expect(named.filter((name) => !migrations.includes(name))).toEqual([]);
  });

  it.each(PAGES)('%s: names no internal tracker number', (page) => {
    expect(read(page)).not.toMatch(/\bissues? #?\d+/i);
  });

  it('shows the Deploy button package.json\'s repository makes (npm run deploy-button)', () => {
    expect(read('README.md')).toContain(deployButton(ROOT));
  });
});
