using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Crm.Api;

public static class Auth
{
    private const string EncryptionKey = "xfYKzNH9TzQr/EIPEfaKp/kGYRiff8DQlOfphtrxhl0=";
    private const string JwtIssuer = "https://crm.example.com";

    public static SymmetricSecurityKey SigningKey() =>
        new(Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable("JWT_KEY") ?? "29e645fcb6e1fcc67de7f537f0ba3a4f1473527abaae866a1b27ba01520173cf"));

    public static string ConnectionString() =>
        Environment.GetEnvironmentVariable("CRM_DB") ?? "Host=localhost;Database=crm;Username=crm;Password=crm";

    public static string Redis() => "crm-cache.redis.cache.windows.net:6380,password=ZpYvwyUxvBdnfe4oQIQm0EACRJAloSiW6t24B88CY9g=,ssl=True,abortConnect=False";
}
