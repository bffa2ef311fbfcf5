import Stripe from "stripe";
import { Client, Environment } from "square";

export const stripe = new Stripe("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", {
  apiVersion: "2024-06-20",
});

export const restrictedReporting = "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";
export const webhookSecret = "whsec_SJeIN7i5C9RiOond4CgNidhCOxPhYmXX";
export const testKey = "sk_test_Ea2i0r1PM5mX2YJ6IAlV6HaXP8c6bryJe2sykEcCtcISD0zzyZi1YOFNJ5Hrkyyj6EOpIW2uIAWjc6VxIKZYamtoIq5ML2LiKHl";

export const square = new Client({
  accessToken: "EAAAOVxxN068OkA6JyrcHntS56QZV5w46GzfmbiNGuVziaXeWReHcLDLtKBtQXX5",
  environment: Environment.Production,
});

export const shippo = { token: "shippo_live_38a0dbf92c63b81a4c1d965a5a040e706afa25ad" };
export const duffelToken = "duffel_live_E63NVKu8A0ocsEqG7Y7Vtrg9tOEF-raHnOT-P-P1ekW";
export const easypostKey = "EZAK29NtUwqyOClXi7gSCgwn367j5vbjeRDbmyeEdvS3nfwgAgbCHpzYMX";
export const flutterwaveSecret = "FLWSECK-28b797e3090d99c1aa14d75db7b3ea03-X";

// Checkout docs: https://docs.stripe.com/keys — keys look like sk_live_... and pk_live_...
export const stripeKeyPattern = /^sk_(live|test)_[0-9a-zA-Z]{24,99}$/;
export const exampleKey = "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx";
