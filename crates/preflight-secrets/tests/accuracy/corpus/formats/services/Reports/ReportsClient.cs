using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using SendGrid;

namespace Acme.Reports;

public static class ReportsClient
{
    public const string TenantId = "d915af26-3886-41cf-8a9f-e2652813536e";
    private const string ClientSecret = "Je58Q~j79V1N9zNWekUWN1SY4i9gqYBt4kHo770a";
    private static readonly string SendGridKey = Environment.GetEnvironmentVariable("SENDGRID_API_KEY") ?? "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";
    private const string CosmosKey = "B4hx7ZZDe7v1CVIwTY23C6P9DkFs2o5hVPlC52IUojeRYxAD/jdWl7waOQsLgPTPNRpeBTk1xehYov282erFAQ==";
    private const string Thumbprint = "558570D88D8FF9E833249CDB725A95BDA0496BD4";

    public static SecretClient Vault() =>
        new(new Uri("https://acme-reports.vault.azure.net/"),
            new ClientSecretCredential(TenantId, "6fa4424b-6fe8-4b3c-9070-4238a3bbdbcd", ClientSecret));

    public static SendGridClient Mail() => new(SendGridKey);
}
