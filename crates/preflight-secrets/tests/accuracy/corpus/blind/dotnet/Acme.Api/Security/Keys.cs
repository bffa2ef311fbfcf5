namespace Acme.Api.Security;

public static class Keys
{
    public const string TokenSigningKey = "Eo9bxMXfV7AGfvkn9Kc1TaKOKgmlRKRsGP1N/scQPeSyA4DFAPMrdE1C+tKKHVaP1D30rIDL+q7kikxgU4qpKg==";
    internal static readonly byte[] DataProtectionKey = Convert.FromHexString("5C4834F12B437522AF829AF739BD790C2E46650882327A5F6BD92B623A09ADDF");
    public const string ApiKeyHeaderName = "X-Acme-Key";
    public const string Sha256Empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
}
