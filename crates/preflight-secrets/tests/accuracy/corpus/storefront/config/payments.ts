import Stripe from "stripe";
import { Client, Environment } from "square";

export const stripe = new Stripe("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", {
  apiVersion: "2024-06-20",
});

export const restrictedReporting = "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";
export const webhookSecret = "whsec_goufuqFmydi5LRmoPoBYqYtyPG6aITLn";
export const testKey = "sk_test_7uoPfdlcNf8lzalgTpNeMJJgCYgBGLqkmM420m6JWkDMZt1D6cPzQSW0HRN56jigSlZsyuF8sci3UQTQpDhRcpl8ESKVv7dT8zm";

export const square = new Client({
  accessToken: "EAAARAYIkC8vjmcUV_JaGiMCexIu-U628AO9f2X8t-xJKP38eVy-Za-G4Ym9jpw_",
  environment: Environment.Production,
});

export const shippo = { token: "shippo_live_2f76cd77269a53006a7b5d1fa6f7849691553427" };
export const duffelToken = "duffel_live_f4dVA5hbYfihSla6btcWMqYiQ6LiXzW8bys9xzkDCNC";
export const easypostKey = "EZAKCFjqEjdBmjSp9i7JwWZSaRjCmrjcZ7Pu6i5E51tSmKJ3mUMrlsHyUc";
export const flutterwaveSecret = "FLWSECK-46054c3e38ab46811f90f42e46ad9689-X";

// Checkout docs: https://docs.stripe.com/keys — keys look like sk_live_... and pk_live_...
export const stripeKeyPattern = /^sk_(live|test)_[0-9a-zA-Z]{24,99}$/;
export const exampleKey = "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx";
