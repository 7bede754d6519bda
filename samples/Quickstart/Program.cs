// Quickstart: send one SMS, then poll its status until it reaches a terminal state.
//
//   export LISOLOO_API_KEY=sk_test_...                 # printed by `dotnet run --project Lisoloo.Server`
//   export LISOLOO_BASE_URL=http://127.0.0.1:5080      # a self-hosted Lisoloo.Server (default: the hosted API)
//   dotnet run --project samples/Quickstart -- +243998857000 "Hello from Lisoloo!"
using System.Diagnostics;
using Lisoloo.Sdk;

var apiKey = Environment.GetEnvironmentVariable("LISOLOO_API_KEY");
if (string.IsNullOrWhiteSpace(apiKey))
{
    Console.Error.WriteLine("Set LISOLOO_API_KEY (e.g. the test key Lisoloo.Server prints on first start).");
    return 2;
}

var options = new LisolooClientOptions { ApiKey = apiKey };
if (Environment.GetEnvironmentVariable("LISOLOO_BASE_URL") is { Length: > 0 } baseUrl)
{
    options.BaseUrl = new Uri(baseUrl);
}

var to = args.Length > 0 ? args[0] : "+243998857000";
var text = args.Length > 1 ? args[1] : "Hello from Lisoloo!";

// Offline: what will this cost in segments before we send?
var segments = SmsSegments.Count(text);
Console.WriteLine($"Message: {segments.Segments} segment(s), {segments.Encoding}, {segments.Units} units");

using var client = new LisolooClient(options);
using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
try
{
    var sent = await client.SendAsync([to], text, senderId: "MYAPP", cts.Token);
    Console.WriteLine($"Message ID: {sent.Value.MessageId}");
    Console.WriteLine($"Status:     {sent.Value.Status}  (cost {sent.Value.TotalCost} {sent.Value.Currency}, request {sent.RequestId})");

    var watch = Stopwatch.StartNew();
    var last = sent.Value.Status;
    while (true)
    {
        var status = (await client.GetStatusAsync(sent.Value.MessageId, cts.Token)).Value;
        if (status.Status != last)
        {
            Console.WriteLine($"{watch.Elapsed.TotalSeconds,6:0.0}s  {last} -> {status.Status}");
            last = status.Status;
        }

        if (status.Status.IsTerminal)
        {
            foreach (var row in status.Recipients)
            {
                Console.WriteLine($"  {row.To}: {row.Status}{(row.ErrorCode is { } code ? $" (error {code})" : string.Empty)}");
            }

            return status.Status == SmsStatus.Delivered ? 0 : 1;
        }

        await Task.Delay(TimeSpan.FromMilliseconds(500), cts.Token);
    }
}
catch (LisolooApiException ex)
{
    Console.Error.WriteLine($"Lisoloo error ({ex.Kind}, HTTP {ex.Status}, code {ex.ErrorCode}): {ex.Message}");
    foreach (var field in ex.FieldErrors)
    {
        Console.Error.WriteLine($"  {field.Field}: {field.Message} ({field.ErrorCode})");
    }

    return 1;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("Gave up waiting for a terminal status after 2 minutes.");
    return 1;
}
