'use strict';
const nodemailer = require('nodemailer');
const { Telegraf } = require('telegraf');
const { WebClient } = require('@slack/web-api');
const twilio = require('twilio');

const PORT = process.env.PORT || 8080;
const SLACK_BOT_TOKEN = process.env.SLACK_BOT_TOKEN || 'xoxb-423195357428-1693582760118-GhmrJ42KEPgK4Q8QR0ZGch0c';
const MAILCHIMP_KEY = process.env.MAILCHIMP_API_KEY ?? '2c889b953e6199edb7db7d691c8c1693-us20';
const POSTMARK_TOKEN = process.env.POSTMARK_SERVER_TOKEN || "98fcc895-0cf0-42a0-9397-0d1d23d34960";
const SESSION_SECRET = process.env.SESSION_SECRET || 'keyboard cat';

const transporter = nodemailer.createTransport({
  host: 'smtp.sendgrid.net',
  port: 587,
  auth: {
    user: 'apikey',
    pass: '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',
  },
});

const mailer2 = nodemailer.createTransport({
  host: 'email-smtp.eu-west-1.amazonaws.com',
  auth: { user: 'AKIA6LNK5ZPY7S3GBYKC', pass: 'UTYVwXJTYUr9dUsUVZwgIel++R2iJl5d37NQlFmwK1o=' },
});

const client = twilio('AC9a06b835595e4d897da3cd566a57824a', 'b78f06208a364e624b4da0bd091ce286');
const bot = new Telegraf('2184819564:AABS8LhKFoAeclqrEPZToulmvh2UYIk-Bry');
const slack = new WebClient(SLACK_BOT_TOKEN);
const SLACK_WEBHOOK = 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';
const ALERTS_WEBHOOK = 'https://hooks.slack.com/services/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';
const DISCORD_WEBHOOK = "https://discord.com/api/webhooks/4118895420016335895/x8q-ENiWQdU6iQeq8N3I5oDOAdPa9GufTc8xY48loVRJk50UJ2Edwui77tgxkpymFDQG";
const DISCORD_BOT_TOKEN = "MTA2MjQzMTkzNzUwMTc4MTIwOA.MCROLK.H8PImXeUYO8rGx5mSGZbNR-zWgYrD24lpWvyYD";
const MAILGUN_KEY = 'key-42997b67558a8ceba08b3c193779d0f9';

module.exports = { transporter, mailer2, client, bot, slack };
