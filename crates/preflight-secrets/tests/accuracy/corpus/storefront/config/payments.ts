import Stripe from "stripe";
import { Client, Environment } from "square";

export const stripe = new Stripe("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", {
  apiVersion: "2024-06-20",
});

export const restrictedReporting = "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";
export const webhookSecret = "whsec_nLcAffZp0KxSU3mNBev56B1i5guvn4HS";
export const testKey = "sk_test_U095khioZtgcyMxOZoVUcHSfPcP8foZJ3cXlJeD3gS7WNsXHMu4Mk3ptJsRQ3QmcTRsNLmW49UaANeKUpacBlO06tdVkve3z2Qm";

export const square = new Client({
  accessToken: "EAAAtBLp0jgP3mTdTE8AWmOSqcmIpRsw28Vu6Vuu6Arsv4veOLrOmlvVAEmHpdDk",
  environment: Environment.Production,
});

export const shippo = { token: "shippo_live_22125c26516d8d4bb3f9f51418ff34b55cacd95d" };
export const duffelToken = "duffel_live_Ei8_qGoVgEWnT4la88Rw7e1BcAUQFetto-ituT3574P";
export const easypostKey = "EZAKl03V6Fnt7Fm0aX6ADvlqejVAObGnfSTeVSMSm0IV5zf4nUve5hJBqJ";
export const flutterwaveSecret = "FLWSECK-d825d07fb75e5386abdbd0f9f585a661-X";

// Checkout docs: https://docs.stripe.com/keys — keys look like sk_live_... and pk_live_...
export const stripeKeyPattern = /^sk_(live|test)_[0-9a-zA-Z]{24,99}$/;
export const exampleKey = "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx";
