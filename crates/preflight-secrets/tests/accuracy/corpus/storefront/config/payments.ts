import Stripe from "stripe";
import { Client, Environment } from "square";

export const stripe = new Stripe("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", {
  apiVersion: "2024-06-20",
});

export const restrictedReporting = "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";
export const webhookSecret = "whsec_6DJEufnDOIKr2mi8IbSqgN15jwSC6DvL";
export const testKey = "sk_test_X45zVxCMlCYDHqmVcMgIaetX0q9kMxmZRVe4N6aycySSvcqKHbsosZjsPZnjvy3yC2N1hLrvbBxE2tfym3231hwNqGK4Pcui46y";

export const square = new Client({
  accessToken: "EAAAh3MAxQuPbsb7EcBP_OiwP3E63NVKu8A0ocsEqG7Y7Vtrg9tOEF-raHnOT-P-",
  environment: Environment.Production,
});

export const shippo = { token: "shippo_live_ad12c9b8ce543e3b64a042e06c2f1a62b3d30e7c" };
export const duffelToken = "duffel_live_jGTCKC6mdNc1LMWfRRhs3Du0SEVp4Rbn1WctOvnCS8L";
export const easypostKey = "EZAKnwAdpYBuR03cJi1iOwe7fkVEG1gvV5lOlzBVJRDqZsBEYsd1Gth5Yj";
export const flutterwaveSecret = "FLWSECK-ea9e09fad5297e323ff359fec2ab252b-X";

// Checkout docs: https://docs.stripe.com/keys — keys look like sk_live_... and pk_live_...
export const stripeKeyPattern = /^sk_(live|test)_[0-9a-zA-Z]{24,99}$/;
export const exampleKey = "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx";
