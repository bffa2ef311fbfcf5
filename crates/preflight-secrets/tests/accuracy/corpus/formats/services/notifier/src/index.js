'use strict';
const { Client, GatewayIntentBits } = require('discord.js');
const { Telegraf } = require('telegraf');
const { Octokit } = require('@octokit/rest');
const { Gitlab } = require('@gitbeaker/rest');
const Shopify = require('shopify-api-node');

const discord = new Client({ intents: [GatewayIntentBits.Guilds] });
discord.login('NDM0OTM4NzMxMzc0ODQ0NTYw.1cSF5u.EB1HVaVlz49ndFZ8bI3Kea97pFFRJFKTuXWUhC');

const bot = new Telegraf(process.env.TELEGRAM_TOKEN || '7489898092:AA1Go5DcUHPnhaHUV_4Ue-ZF_dFzkdnCnLk');
const octokit = new Octokit({ auth: 'ghs_NPLRpJdX4kTnVixYaLKdkdSxooFN4Z0RklRx' });
const gitlab = new Gitlab({ token: process.env.GITLAB_TOKEN ?? 'glpat-SYJdgGIcqPF5EbLi9DfQ' });
const shopify = new Shopify({
  shopName: 'acme-store',
  accessToken: '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',
  apiVersion: '2024-10',
});

const slackWebhook = process.env.SLACK_WEBHOOK_URL;
const sessionSecret = process.env.SESSION_SECRET || '4e2aaaf2cdc68f96b8ab3bfaa166392582154bbe51fe164be6f4f9cb1348d481';
const apiKeyHeader = 'x-api-key';
const mapboxToken = 'pk.eyJ1IjoiYWNtZS1nZW8iLCJhIjoiOHNxaW1jb2o3dnZkemFhZWQ5bXc1aG55YyJ9.QVOEqenIUtCvKliKHENRMB';

module.exports = { discord, bot, octokit, gitlab, shopify, slackWebhook, sessionSecret };
