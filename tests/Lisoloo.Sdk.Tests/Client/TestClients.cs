using RichardSzalay.MockHttp;

namespace Lisoloo.Sdk.Tests.Client;

/// <summary>Builds clients over MockHttp for unit tests.</summary>
internal static class TestClients
{
    public const string TestKey = "sk_test_4f9a2c7e1b3d5f60a8c2e4b6";
    public const string Root = "https://api.test.local/api/v1/lisoloo/sms-api/";

    public static LisolooClient Create(MockHttpMessageHandler handler, Action<LisolooClientOptions>? configure = null)
    {
        var options = new LisolooClientOptions { ApiKey = TestKey, BaseUrl = new Uri("https://api.test.local/") };
        configure?.Invoke(options);
        return new LisolooClient(options, handler.ToHttpClient());
    }
}
