import { createClient } from '@supabase/supabase-js';
import Stripe from 'stripe';

export const supabase = createClient(
  'https://qzkxlmvnbrtwpyhd.supabase.co',
  'sb_publishable_niUqOklDjzhhXuxsDDd3j0YLcjBHEVA',
);

const LINEAR_KEY = 'lin_api_1DbEQjvkOzO70fDjONjFygmrzXsuNbnnMfgbIYR6';
const posthogKey = 'phc_aPef5dAb4q2BSukGL4pjWYMsIxlz1VV3K7EXjYDJvnR';
export const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!, { apiVersion: '2024-06-20' });
const figma = { headers: { 'X-Figma-Token': 'figd_b8awLlUTTRbh_AwgfjpIJHlvfcN9dZwikWvN_xNP' } };
export const OPENROUTER = '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';
export const BUILD = { sha: 'c9948b41640696a8c6fc83b57cc33abbf08f7505', id: 'f10eea77-20e6-4e0e-99c5-63edc674a02f' };
const replicateToken = import.meta.env.VITE_REPLICATE_TOKEN;
export const perplexity = new OpenAI({ apiKey: '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', baseURL: 'https://api.perplexity.ai' });
