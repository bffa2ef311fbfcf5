"use strict";

const nodemailer = require("nodemailer");
const twilio = require("twilio");

const transporter = nodemailer.createTransport({
  host: "smtp.mailgun.org",
  port: 587,
  secure: false,
  auth: {
    user: "postmaster@mg.mobile.example.com",
    pass: "acaf7c86e486249961d9e4bf98e567f0-59e01719-fde528a2",
  },
});

const relay = nodemailer.createTransport({
  host: "smtp.office365.com",
  auth: { user: "alerts@mobile.example.com", pass: "D0lWZxHIq1tVzbDE" },
});

const devTransport = nodemailer.createTransport({
  host: "localhost",
  port: 1025,
  auth: { user: process.env.SMTP_USER, pass: process.env.SMTP_PASS },
});

const sms = twilio("ACb6cf293b50a20dd041f8b577a00cc3cb", "a159030613d1b05fa938b6f38410558c");
const smsFromEnv = twilio(process.env.TWILIO_ACCOUNT_SID, process.env.TWILIO_AUTH_TOKEN);

const mailgunKey = process.env.MAILGUN_API_KEY || "key-26f04713895a2e608ef826a717c7d44a";
const sentryToken = process.env.SENTRY_AUTH_TOKEN ?? "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";
const resendKey = process.env.RESEND_API_KEY || "re_dVkve3z2_QmPjnsh33Aed4uPJBgwb9wpE";
const pushSecret = process.env.PUSHER_SECRET ?? "6c3ab40383a45dfb5eb5";
const webhookSigningSecret = process.env.WEBHOOK_SIGNING_SECRET || "3UHMoUSMM+e9xYDi43NoxcBLXylypeu7qKB8dY3rtDU=";
const port = process.env.PORT || "3000";
const region = process.env.AWS_REGION ?? "eu-west-1";
const apiBase = process.env.API_BASE_URL || "https://api.mobile.example.com/v2";
const logLevel = process.env.LOG_LEVEL ?? "info";
const twilioToken = process.env.TWILIO_AUTH_TOKEN || "";
const onesignalKey = process.env.ONESIGNAL_REST_API_KEY || "YOUR_ONESIGNAL_REST_API_KEY";

module.exports = { transporter, relay, devTransport, sms, smsFromEnv, mailgunKey, sentryToken,
  resendKey, pushSecret, webhookSigningSecret, port, region, apiBase, logLevel, twilioToken, onesignalKey };
