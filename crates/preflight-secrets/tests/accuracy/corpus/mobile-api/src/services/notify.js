"use strict";

const nodemailer = require("nodemailer");
const twilio = require("twilio");

const transporter = nodemailer.createTransport({
  host: "smtp.mailgun.org",
  port: 587,
  secure: false,
  auth: {
    user: "postmaster@mg.mobile.example.com",
    pass: "fb4faed0a87862b0cd24d84fa838a6c6-a2af2877-95a184ae",
  },
});

const relay = nodemailer.createTransport({
  host: "smtp.office365.com",
  auth: { user: "alerts@mobile.example.com", pass: "uTihOGTnBEKJGc8e" },
});

const devTransport = nodemailer.createTransport({
  host: "localhost",
  port: 1025,
  auth: { user: process.env.SMTP_USER, pass: process.env.SMTP_PASS },
});

const sms = twilio("ACe83463e68b2cfbe17ec772691fe78202", "3a696e3ab0e668242d5fb48d94f8f7f5");
const smsFromEnv = twilio(process.env.TWILIO_ACCOUNT_SID, process.env.TWILIO_AUTH_TOKEN);

const mailgunKey = process.env.MAILGUN_API_KEY || "key-1f7ae5f98474ea862f83f9b7a5e63492";
const sentryToken = process.env.SENTRY_AUTH_TOKEN ?? "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";
const resendKey = process.env.RESEND_API_KEY || "re_Be5okbZW_BwykfAyNNChML88gO9Jo8JiJ";
const pushSecret = process.env.PUSHER_SECRET ?? "1e4b10c123e6d9c89586";
const webhookSigningSecret = process.env.WEBHOOK_SIGNING_SECRET || "knc7/3zHxKJ+dwUqMjAaVO2kUfjGkIIioMDbU7gtwRQ=";
const port = process.env.PORT || "3000";
const region = process.env.AWS_REGION ?? "eu-west-1";
const apiBase = process.env.API_BASE_URL || "https://api.mobile.example.com/v2";
const logLevel = process.env.LOG_LEVEL ?? "info";
const twilioToken = process.env.TWILIO_AUTH_TOKEN || "";
const onesignalKey = process.env.ONESIGNAL_REST_API_KEY || "YOUR_ONESIGNAL_REST_API_KEY";

module.exports = { transporter, relay, devTransport, sms, smsFromEnv, mailgunKey, sentryToken,
  resendKey, pushSecret, webhookSigningSecret, port, region, apiBase, logLevel, twilioToken, onesignalKey };
