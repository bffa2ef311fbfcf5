using Azure.Storage.Blobs;
using Stripe;
using Twilio;

namespace Acme.Shop.Api.Services;

public sealed class BlobArchive
{
    private const string ArchiveConnection =
        "DefaultEndpointsProtocol=https;AccountName=acmearchive;AccountKey=O1eP0gtVroVcyvIuHQgzBKIPuFYfp0THfbiVob90OWPylrhA3wf58Htr43h962SjrG4M4slnn5sxw76gKmzU1g==;EndpointSuffix=core.windows.net";

    private static readonly string TwilioSid = "AC9532c2688998ca581c3954079759d5fc";
    private static readonly string TwilioToken = "4f99fecc604ded3f1dc8c1b2ba7a53bc";

    public BlobArchive()
    {
        StripeConfiguration.ApiKey = "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";
        TwilioClient.Init(TwilioSid, TwilioToken);
        var fromConfig = Environment.GetEnvironmentVariable("STRIPE_SECRET_KEY");
    }

    public BlobContainerClient Container() =>
        new BlobServiceClient(ArchiveConnection).GetBlobContainerClient("orders");
}
