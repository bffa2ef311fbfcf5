import type { SensitiveString } from "./sensitive";

export interface ProviderConfig {
  apiKey: SensitiveString;
  apiSecret?: SensitiveString;
  accessToken: string;
  password: string | undefined;
  clientSecret: Readonly<Secret<string>>;
}

export type SigningKey = { kid: string; secret: Uint8Array };

export function redactToken(token: string): string {
  return token.slice(0, 4) + "…";
}

export const AUTH_TOKEN_STORAGE_KEY = "mobile.authToken";
export const PASSWORD_MIN_LENGTH = 12;
