import Stripe from "stripe";
import { Client, Environment } from "square";

export const stripe = new Stripe("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", {
  apiVersion: "2024-06-20",
});

export const restrictedReporting = "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";
export const webhookSecret = "whsec_FyZpZCyfSFKEmy7T7OJDV14oPwLWIIZg";
export const testKey = "sk_test_TnnLNGuaU7sC41GQalZWtl1ARPILkXlaC9P5X70TP3O6w0co3g9jM1sDO3G10DWJYo5UBulQTsMvlUzVluAiupdkW9B9G2zQQWM";

export const square = new Client({
  accessToken: "EAAAIKuKdUQMZCw3EB48xh1jq05p2-Edm6Hjk_yPFCNplTvPVzJZVpqJun0V8M6m",
  environment: Environment.Production,
});

export const shippo = { token: "shippo_live_242d5cc473fd84f3e1746a0018324fd0e8d97b7f" };
export const duffelToken = "duffel_live_Wka5mEkL7IURxwSiBX0llTGTGZDys07v0cFOEkvwlUM";
export const easypostKey = "EZAK5YILkTqxtBOgtmWmOKqzWMD8HOHovoLILuqG2V9SM2kNNVpdXBOzPE";
export const flutterwaveSecret = "FLWSECK-a8b775edc0207f7a3e122475148f425f-X";

// Checkout docs: https://docs.stripe.com/keys — keys look like sk_live_... and pk_live_...
export const stripeKeyPattern = /^sk_(live|test)_[0-9a-zA-Z]{24,99}$/;
export const exampleKey = "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx";
