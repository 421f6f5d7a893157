import { defineMailTemplate } from '../../platform/mail/index.ts';

/** Data: communityName, inviterName, link, days. Names are the people's own text (escaped in HTML). */
export const communityInvitationMail = defineMailTemplate({
  name: 'communities.invitation',
  subject: 'You are invited to a community on Muster',
  text: `Hello,

{{inviterName}} invited you to join the community "{{communityName}}" on Muster. To accept or decline, open this link while signed in with this e-mail address:

{{link}}

The invitation works for {{days}} days. If you do not want to join, ignore this mail: nothing happens without your answer.
`,
  html: `<p>Hello,</p>
<p>{{inviterName}} invited you to join the community <strong>{{communityName}}</strong> on Muster.</p>
<p><a href="{{link}}" style="display: inline-block; padding: 0.6rem 1rem; background: #3b5bdb; color: #fff; text-decoration: none; border-radius: 6px;">See the invitation</a></p>
<p style="color: #555; font-size: 0.9rem;">Or open this link while signed in with this e-mail address: {{link}}<br>It works for {{days}} days. If you do not want to join, ignore this mail: nothing happens without your answer.</p>`,
});
