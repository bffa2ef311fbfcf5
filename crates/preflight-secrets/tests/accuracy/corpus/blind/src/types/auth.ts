export type Credentials = { username: string; password: string };
export interface ApiClientOptions {
  token: string;
  secret: SecretString;
  privateKey?: KeyObject;
}
export const DEFAULT_TOKEN_TTL = 3600;
export function signIn(password: string, otp?: string): Promise<Session> {
  return api.post("/session", { password, otp });
}
