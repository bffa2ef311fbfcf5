export interface ProviderConfig {
  apiKey: string;
  secretKey?: string | undefined;
  password: Secret<string>;
}

export const ENCRYPTION_KEY = "wgVDLje1NhhytRrwOyW3Zu6NstWewpsmxN8c1Ao3tCw=";
export const WEBHOOK_SIGNING_SECRET: string = '3bd361c01b7c38e0d29f4eb3bbf91435052334ae55d0fd6ab2545513432e4403';
export const apiToken = process.env.NOTIFIER_API_TOKEN ?? "ncs3zCgcJBxryzUZtAAGXyYw36W8rN3sk3stTh4MR6k";
export const POSTHOG_KEY = "phc_VQqH0uVVXIUcKmfodHsHk4GCWWiI9D4KCftCppnEI7y";
export const MAPBOX_PUBLIC = "pk.eyJ1IjoiYWNtZS1tYXBzIiwiYSI6ImhlbGs0OGFlcG95NGczNDkzdmlkZWg2ZGEifQ.DK5x6dhPpK-yhWcS2yjM_U";
export const SUPABASE_ANON_KEY = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6IndnYXJtbnBmemp2am9idG9iYm1jIiwicm9sZSI6ImFub24iLCJpYXQiOjE3NjAwMDAwMDAsImV4cCI6MjA3NTU3NjAwMH0.1nR3cL615C9dk4ckLhgTN3zpmdYJRUkFaWNuy0nR1GU";
export const SUPABASE_PUBLISHABLE = "sb_publishable_DekCoKzMw0cupcXQbw0-mERDMVtpOpg";
export const passwordField = 'password';
export const TOKEN_HEADER = "x-api-key";
