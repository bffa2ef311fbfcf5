"use strict";

const nodemailer = require("nodemailer");
const twilio = require("twilio");

const transporter = nodemailer.createTransport({
  host: "smtp.mailgun.org",
  port: 587,
  secure: false,
  auth: {
    user: "postmaster@mg.mobile.example.com",
    pass: "f707e28e3412439fb0926c9b1d9b37db-55173082-304abc21",
  },
});

const relay = nodemailer.createTransport({
  host: "smtp.office365.com",
  auth: { user: "alerts@mobile.example.com", pass: "26A4D94sk9fLrU2Z" },
});

const devTransport = nodemailer.createTransport({
  host: "localhost",
  port: 1025,
  auth: { user: process.env.SMTP_USER, pass: process.env.SMTP_PASS },
});

const sms = twilio("AC1580bd6101937381e589503cc9c03622", "9cb52a87bfbeedbf16b5cd4046ec7f7e");
const smsFromEnv = twilio(process.env.TWILIO_ACCOUNT_SID, process.env.TWILIO_AUTH_TOKEN);

const mailgunKey = process.env.MAILGUN_API_KEY || "key-a7d138b5c3abcebecfd4c356febca11b";
const sentryToken = process.env.SENTRY_AUTH_TOKEN ?? "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";
const resendKey = process.env.RESEND_API_KEY || "re_P7zAgLaY_v4Uran38RcgX4HrooL0yeKjx";
const pushSecret = process.env.PUSHER_SECRET ?? "a7f98406ea8b40e735cc";
const webhookSigningSecret = process.env.WEBHOOK_SIGNING_SECRET || "ld93FmGYQRTdw/+8ahYwIlzEKHPp4iCG5WuUza0F3QQ=";
const port = process.env.PORT || "3000";
const region = process.env.AWS_REGION ?? "eu-west-1";
const apiBase = process.env.API_BASE_URL || "https://api.mobile.example.com/v2";
const logLevel = process.env.LOG_LEVEL ?? "info";
const twilioToken = process.env.TWILIO_AUTH_TOKEN || "";
const onesignalKey = process.env.ONESIGNAL_REST_API_KEY || "YOUR_ONESIGNAL_REST_API_KEY";

module.exports = { transporter, relay, devTransport, sms, smsFromEnv, mailgunKey, sentryToken,
  resendKey, pushSecret, webhookSigningSecret, port, region, apiBase, logLevel, twilioToken, onesignalKey };
