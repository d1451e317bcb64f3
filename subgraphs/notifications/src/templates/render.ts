/**
 * Templates are text with `{{name}}` placeholders, nothing more: no logic, no helpers, so an
 * admin's edit cannot run code or read what its kind does not give. Values are escaped in HTML.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;
const BRACES = /\{\{|\}\}/;

export type Vars = Readonly<Record<string, string>>;

/** The placeholders a template uses, and what is left that looks like a broken one. */
export function placeholdersOf(source: string): { names: string[]; malformed: boolean } {
  const names = [...source.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  return { names: [...new Set(names)], malformed: BRACES.test(source.replace(PLACEHOLDER, '')) };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** Fills the placeholders; an unknown one renders empty (templates are checked when stored). */
export function render(source: string, vars: Vars, html = false): string {
  return source.replace(PLACEHOLDER, (_, name: string) => {
    const value = vars[name] ?? '';
    return html ? escapeHtml(value) : value;
  });
}

/**
 * The HTML part made from a text template, for templates given without one: paragraphs from
 * blank-line breaks, a line that is only `{{link}}` as a button. Placeholders stay placeholders.
 */
export function htmlFromText(text: string): string {
  const paragraphs = text
    .trim()
    .split(/\n\s*\n/)
    .map((p) => {
      const line = p.trim();
      if (/^\{\{\s*link\s*\}\}$/.test(line))
        return `<p><a href="{{link}}" style="background:#0b5fff;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">{{link}}</a></p>`;
      return `<p>${escapeHtml(line).replace(/\n/g, '<br>')}</p>`;
    });
  return [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111">',
    ...paragraphs,
    '</body></html>',
  ].join('\n');
}
