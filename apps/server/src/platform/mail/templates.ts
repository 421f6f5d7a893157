import Mustache from 'mustache';

/** Mustache sources of one mail: `subject` and `text` are plain text, `html` is escaped HTML. */
export interface MailTemplateSource {
  subject: string;
  text: string;
  /** The inner HTML of the body; the shared layout wraps it. Text-only mail when absent. */
  html?: string;
}

export interface MailTemplate extends MailTemplateSource {
  /** `<module>.<purpose>`, e.g. `identity.verifyEmail`; what `enqueueMail` names. */
  name: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string | undefined;
}

/** Limits on inline templates (written by an organiser for a follow-up, say), in characters. */
export const INLINE_LIMITS = { subject: 300, text: 50_000, html: 100_000 } as const;

const registry = new Map<string, MailTemplate>();

/**
 * Templates live in code, beside the module that sends them; defining one at import time makes it
 * known to every process that loads the module, including a worker-only node that renders it.
 */
export function defineMailTemplate(template: MailTemplate): MailTemplate {
  const existing = registry.get(template.name);
  if (existing && existing !== template) throw new Error(`mail template ${template.name} defined twice`);
  for (const source of [template.subject, template.text, template.html ?? '']) Mustache.parse(source);
  registry.set(template.name, template);
  return template;
}

export function findMailTemplate(name: string): MailTemplate | undefined {
  return registry.get(name);
}

/** Control, format (bidi overrides, zero-width) and line/paragraph separators. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * Text a person typed (a name, a company, a community's name), made fit to stand in a mail to
 * someone else. Invisible and control characters go, whitespace collapses, it is cut to `max`
 * characters, and it is defanged so no mail client makes a link of it: the dots, `@` and `://` of
 * what could be an address become look-alikes (one dot leader, full-width at, ratio sign). This
 * is the text part's escaping; the HTML part is also escaped by Mustache.
 */
export function mailSafeText(value: unknown, max = 60): string {
  const text = String(value ?? '')
    .replace(INVISIBLE, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\.(?=\S)/g, '\u2024')
    .replace(/@/g, '\uff20')
    .replace(/:\/\//g, '\u2236//');
  const chars = [...text];
  return chars.length <= max
    ? text
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

const layout = (body: string) =>
  `<!doctype html>
<html><head><meta charset="utf-8"></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1b1b1f; max-width: 36rem; margin: 0 auto; padding: 1.5rem;">
${body}
</body></html>
`;

/** Text parts must not be HTML-escaped ("Tom &amp; Jerry" in a subject line is a bug). */
const plain = { escape: (value: unknown) => String(value) };

/**
 * Renders with the mail's data. Subject lines lose line breaks (a header cannot hold one; a value
 * with CR/LF is how header injection starts). Mustache is logic-less: a template can only show
 * the data it is given, never call anything.
 */
export function renderMail(source: MailTemplateSource, data: Record<string, unknown>): RenderedMail {
  const subject = Mustache.render(source.subject, data, {}, plain)
    .replace(/[\r\n\t]+/g, ' ')
    .trim()
    .slice(0, INLINE_LIMITS.subject);
  return {
    subject,
    text: Mustache.render(source.text, data, {}, plain),
    html: source.html === undefined ? undefined : layout(Mustache.render(source.html, data)),
  };
}
