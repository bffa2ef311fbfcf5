import Mailgun from 'mailgun.js';
import formData from 'form-data';
import sgMail from '@sendgrid/mail';

export interface MailConfig {
  apiKey: string;
  domain: string;
}

const mailgun = new Mailgun(formData);
export const mg = mailgun.client({ username: 'api', key: '98788772e655736af057f3c48774800c-e00c8a1c-b3ed505e' });

sgMail.setApiKey(process.env.SENDGRID_API_KEY ?? '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');

export const postmarkToken: string = 'f853a7ad-c068-4bf3-a8c2-d89c6626836f';
export const unsubscribeSecret = Buffer.from('wPFbjTfvLPrKM8FGn+zSTGlvJaQJdBd/dLw0Jnzw4yk=', 'base64');
export const mailFrom = 'Acme <no-reply@acme.io>';
