"use strict";

const nodemailer = require("nodemailer");
const twilio = require("twilio");

const transporter = nodemailer.createTransport({
  host: "smtp.mailgun.org",
  port: 587,
  secure: false,
  auth: {
    user: "postmaster@mg.mobile.example.com",
    pass: "f30cab4ba1da3d63bfa274e06a71eb38-23d3f259-0bb0296f",
  },
});

const relay = nodemailer.createTransport({
  host: "smtp.office365.com",
  auth: { user: "alerts@mobile.example.com", pass: "ko30JjmZm4zwZITc" },
});

const devTransport = nodemailer.createTransport({
  host: "localhost",
  port: 1025,
  auth: { user: process.env.SMTP_USER, pass: process.env.SMTP_PASS },
});

const sms = twilio("AC06c3487a8d802f37cc0993864f7c4efc", "ba40e8cfe2a1d601bbdcbe70fbca3629");
const smsFromEnv = twilio(process.env.TWILIO_ACCOUNT_SID, process.env.TWILIO_AUTH_TOKEN);

const mailgunKey = process.env.MAILGUN_API_KEY || "key-7c4178b1999664b423ae46763289ca13";
const sentryToken = process.env.SENTRY_AUTH_TOKEN ?? "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";
const resendKey = process.env.RESEND_API_KEY || "re_8skTqVpx_nYUPxMOpNG8eBsDPKa8afiAK";
const pushSecret = process.env.PUSHER_SECRET ?? "f6591a61524bbd168e45";
const webhookSigningSecret = process.env.WEBHOOK_SIGNING_SECRET || "JxH2nC14PR/zR65nRNv6tDDsfcSAA2P6r+9Q/2/+hBY=";
const port = process.env.PORT || "3000";
const region = process.env.AWS_REGION ?? "eu-west-1";
const apiBase = process.env.API_BASE_URL || "https://api.mobile.example.com/v2";
const logLevel = process.env.LOG_LEVEL ?? "info";
const twilioToken = process.env.TWILIO_AUTH_TOKEN || "";
const onesignalKey = process.env.ONESIGNAL_REST_API_KEY || "YOUR_ONESIGNAL_REST_API_KEY";

module.exports = { transporter, relay, devTransport, sms, smsFromEnv, mailgunKey, sentryToken,
  resendKey, pushSecret, webhookSigningSecret, port, region, apiBase, logLevel, twilioToken, onesignalKey };
