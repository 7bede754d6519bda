// A native-AOT console that exercises the SDK's Refit-generated client, its serialization, its resilience pipeline and
// its dependency injection, so that the publish proves the SDK trims and compiles ahead of time without warnings. Run
// with a server URL to send for real:
//   dotnet publish samples/AotSmoke -c Release -r linux-x64 && samples/AotSmoke/bin/Release/net10.0/linux-x64/publish/AotSmoke http://127.0.0.1:5080 sk_test_...
using Lisoloo.Sdk;
using Microsoft.Extensions.DependencyInjection;

if (args.Length < 2)
{
    Console.WriteLine($"Lisoloo.Sdk {LisolooDiagnostics.Version} compiled ahead of time. Usage: AotSmoke <base-url> <api-key> [to]");
    return 0;
}

var baseUrl = new Uri(args[0]);
var to = args.Length > 2 ? args[2] : "+243998857000";
try
{
    // Without DI: the client owns its HttpClient and the same resilience pipeline AddLisoloo adds.
    using var client = new LisolooClient(new LisolooClientOptions { BaseUrl = baseUrl, ApiKey = args[1] });
    var health = await client.GetHealthAsync();
    Console.WriteLine($"health: {health.Value.Status}");
    var sent = await client.SendAsync([to], "Hello from a native-AOT Lisoloo client");
    Console.WriteLine($"sent: {sent.Value.MessageId} {sent.Value.Status} cost {sent.Value.TotalCost} {sent.Value.Currency}");

    // With DI: IHttpClientFactory, Microsoft.Extensions.Http.Resilience's handler, options validated at resolve time.
    var services = new ServiceCollection();
    services.AddLisoloo(o =>
    {
        o.BaseUrl = baseUrl;
        o.ApiKey = args[1];
    });
    await using var provider = services.BuildServiceProvider();
    var status = await provider.GetRequiredService<LisolooClient>().GetStatusAsync(sent.Value.MessageId);
    Console.WriteLine($"status: {status.Value.Status} ({status.Value.Recipients.Count} rows)");
    return 0;
}
catch (LisolooApiException ex)
{
    Console.Error.WriteLine($"{ex.Kind}: {ex.Message}");
    return 1;
}
