import { defineMailTemplate } from '../../platform/mail/index.ts';

/*
 * Account mail goes to addresses nobody has proven yet: whoever registers may type someone else's.
 * So a mail to an unproven address carries no text the registrant chose (no name), and a name
 * that does appear is `mailSafeText` (short, no links) and escaped in the HTML part.
 */

/** Data: email, link, hours. No name: the address may belong to someone who never registered. */
export const verifyEmailMail = defineMailTemplate({
  name: 'identity.verifyEmail',
  subject: 'Confirm your e-mail address for Muster',
  text: `Hello,

please confirm that {{email}} is your e-mail address by opening this link:

{{link}}

The link works for {{hours}} hours. If you did not create a Muster account, you can ignore this mail.
`,
  html: `<p>Hello,</p>
<p>please confirm that <strong>{{email}}</strong> is your e-mail address:</p>
<p><a href="{{link}}" style="display: inline-block; padding: 0.6rem 1rem; background: #3b5bdb; color: #fff; text-decoration: none; border-radius: 6px;">Confirm my e-mail address</a></p>
<p style="color: #555; font-size: 0.9rem;">Or open this link: {{link}}<br>It works for {{hours}} hours. If you did not create a Muster account, you can ignore this mail.</p>`,
});

/** Data: name (empty unless the address is verified), link, minutes. */
export const passwordResetMail = defineMailTemplate({
  name: 'identity.passwordReset',
  subject: 'Reset your Muster password',
  text: `Hello{{#name}} {{name}}{{/name}},

someone (hopefully you) asked to reset the password of your Muster account. Choose a new one here:

{{link}}

The link works once and for {{minutes}} minutes. If you did not ask for this, ignore this mail: your password stays as it is.
`,
  html: `<p>Hello{{#name}} {{name}}{{/name}},</p>
<p>someone (hopefully you) asked to reset the password of your Muster account.</p>
<p><a href="{{link}}" style="display: inline-block; padding: 0.6rem 1rem; background: #3b5bdb; color: #fff; text-decoration: none; border-radius: 6px;">Choose a new password</a></p>
<p style="color: #555; font-size: 0.9rem;">Or open this link: {{link}}<br>It works once and for {{minutes}} minutes. If you did not ask for this, ignore this mail: your password stays as it is.</p>`,
});

/** Data: name (the reset proved the address). Tells the owner of the address, in case it was not them. */
export const passwordChangedMail = defineMailTemplate({
  name: 'identity.passwordChanged',
  subject: 'Your Muster password was changed',
  text: `Hello{{#name}} {{name}}{{/name}},

the password of your Muster account was just changed through a reset link, and every device was signed out.

If this was not you, reset your password again right away and check your mailbox's security.
`,
  html: `<p>Hello{{#name}} {{name}}{{/name}},</p>
<p>the password of your Muster account was just changed through a reset link, and every device was signed out.</p>
<p>If this was not you, reset your password again right away and check your mailbox's security.</p>`,
});
