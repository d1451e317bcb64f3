import { randomUUID } from 'node:crypto';
import { DomainError, adminAction, badInput, type Viewer } from '@p2p/kit';
import type { NotificationsOutbox } from '../events.js';
import type { PrismaClient, Template } from '../generated/prisma/client.js';
import { NotificationsError } from '../errors.js';
import { KINDS, LANGUAGES, isKind, type Kind, type Language } from '../kinds.js';
import { DEFAULT_TEMPLATES } from '../templates/defaults.js';
import { htmlFromText, placeholdersOf } from '../templates/render.js';

type Db = Pick<PrismaClient, 'template'>;

/** A template as used: the newest stored version, or the default (version 0). */
export interface TemplateView {
  kind: Kind;
  language: Language;
  version: number;
  subject: string;
  text: string;
  html: string;
  variables: readonly string[];
  createdBy: string | null;
  createdAt: Date | null;
}

export interface TemplateInput {
  kind: string;
  language: string;
  subject: string;
  text: string;
  html?: string | null;
}

const defaultOf = (kind: Kind, language: Language): TemplateView => {
  const { subject, text } = DEFAULT_TEMPLATES[kind][language];
  return { kind, language, version: 0, subject, text, html: htmlFromText(text), ...meta(kind), createdAt: null };
};
const storedView = (row: Template): TemplateView => ({
  ...row,
  kind: row.kind as Kind,
  language: row.language as Language,
  variables: KINDS[row.kind as Kind].variables,
});
const meta = (kind: Kind) => ({ variables: KINDS[kind].variables, createdBy: null });

/** Each part's placeholders must be variables of the kind; a stray `{{` or `}}` is refused too. */
function check(kind: Kind, parts: Record<'subject' | 'text' | 'html', string>): void {
  const allowed = new Set<string>(KINDS[kind].variables);
  for (const [field, source] of Object.entries(parts)) {
    const { names, malformed } = placeholdersOf(source);
    const unknownVariables = names.filter((n) => !allowed.has(n));
    if (unknownVariables.length > 0 || malformed)
      throw new DomainError(
        NotificationsError.INVALID_TEMPLATE,
        unknownVariables.length > 0
          ? `${kind} templates have no ${unknownVariables.map((n) => `{{${n}}}`).join(', ')}; they may use ${[...allowed].map((n) => `{{${n}}}`).join(', ')}`
          : `The ${field} has a "{{" or "}}" that is not a placeholder`,
        { field, unknownVariables, allowedVariables: [...allowed] },
      );
  }
}

/** Stored, versioned templates over the defaults; edited with the admin scope, audited. */
export class Templates {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly outbox: NotificationsOutbox,
  ) {}

  async effective(db: Db, kind: Kind, language: Language): Promise<TemplateView> {
    const row = await db.template.findFirst({ where: { kind, language }, orderBy: { version: 'desc' } });
    return row ? storedView(row) : defaultOf(kind, language);
  }

  /** Every kind in every language, as used now. */
  async list(kind?: string | null): Promise<TemplateView[]> {
    const kinds = (kind ? [this.kindOf(kind)] : Object.keys(KINDS)) as Kind[];
    return Promise.all(kinds.flatMap((k) => LANGUAGES.map((l) => this.effective(this.prisma, k, l))));
  }

  /** A new version; the HTML part is made from the text when not given. */
  async update(actor: Viewer, input: TemplateInput): Promise<TemplateView> {
    const kind = this.kindOf(input.kind);
    const language = input.language as Language;
    if (!(LANGUAGES as readonly string[]).includes(language))
      throw badInput('language', `Templates are kept in ${LANGUAGES.join(', ')}`);
    const parts = { subject: input.subject.trim(), text: input.text.trim(), html: input.html ?? '' };
    if (!parts.subject) throw badInput('subject', 'A template needs a subject');
    if (!parts.text) throw badInput('text', 'A template needs a text part');
    check(kind, parts);
    const html = parts.html.trim() || htmlFromText(parts.text);
    const row = await this.prisma.$transaction(async (tx) => {
      // One version number per edit, however many admins save at once.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`template:${kind}:${language}`}))`;
      const last = await tx.template.findFirst({ where: { kind, language }, orderBy: { version: 'desc' } });
      const created = await tx.template.create({
        data: {
          id: randomUUID(),
          kind,
          language,
          version: (last?.version ?? 0) + 1,
          ...parts,
          html,
          createdBy: actor.id,
        },
      });
      const target = { type: 'NotificationTemplate', id: `${kind}:${language}` };
      const audit = adminAction(actor, 'notifications.update_template', target, { version: created.version });
      await this.outbox.write(tx, 'notifications.admin_action', audit);
      return created;
    });
    return storedView(row);
  }

  private kindOf(kind: string): Kind {
    if (!isKind(kind)) throw badInput('kind', `No notification kind ${kind}`);
    return kind;
  }
}
