// A native-AOT console that exercises the SDK's serialization, DI-free client and offline helpers, so that the
// publish proves the SDK trims and compiles ahead of time without warnings. Run with a server URL to send for real:
//   dotnet publish samples/AotSmoke -c Release -r linux-x64 && samples/AotSmoke/bin/Release/net10.0/linux-x64/publish/AotSmoke http://127.0.0.1:5080 sk_test_...
using Lisoloo.Sdk;

if (args.Length < 2)
{
    Console.WriteLine($"Lisoloo.Sdk {LisolooDiagnostics.Version} compiled ahead of time. Usage: AotSmoke <base-url> <api-key> [to]");
    return 0;
}

using var client = new LisolooClient(new LisolooClientOptions { BaseUrl = new Uri(args[0]), ApiKey = args[1] });
var to = args.Length > 2 ? args[2] : "+243998857000";
try
{
    var health = await client.GetHealthAsync();
    Console.WriteLine($"health: {health.Value.Status}");
    var sent = await client.SendAsync([to], "Hello from a native-AOT Lisoloo client");
    Console.WriteLine($"sent: {sent.Value.MessageId} {sent.Value.Status} cost {sent.Value.TotalCost} {sent.Value.Currency}");
    var status = await client.GetStatusAsync(sent.Value.MessageId);
    Console.WriteLine($"status: {status.Value.Status} ({status.Value.Recipients.Count} rows)");
    return 0;
}
catch (LisolooApiException ex)
{
    Console.Error.WriteLine($"{ex.Kind}: {ex.Message}");
    return 1;
}
