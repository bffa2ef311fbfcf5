export class ToolingClient {
  private readonly apiToken: string;
  private secretKey?: Buffer;
  constructor(private readonly password: SensitiveString, token: string) {
    this.apiToken = token;
  }

  // The API token is sent as a bearer token; never log it or the client secret.
  headers(): Record<string, string> {
    return { Authorization: `Bearer ${this.apiToken}` };
  }
}

export const enum SecretKind { ApiKey = "api_key", Password = "password", Token = "token" }
