// A minimal API that sends one-time passcodes through Lisoloo, with the client from dependency injection.
//
//   Lisoloo__ApiKey=sk_test_... Lisoloo__BaseUrl=http://127.0.0.1:5080 dotnet run --project samples/AspNetCoreClient
//   curl -X POST http://localhost:5000/otp -H 'Content-Type: application/json' -d '{"phone":"+243998857000"}'
using System.Security.Cryptography;
using Lisoloo.Sdk;

var builder = WebApplication.CreateBuilder(args);

// Typed client through IHttpClientFactory, options bound from "Lisoloo" and validated at start-up,
// retries (Microsoft.Extensions.Http.Resilience) with idempotency keys included.
builder.Services.AddLisoloo(builder.Configuration.GetSection("Lisoloo"));

var app = builder.Build();

app.MapPost("/otp", async (OtpRequest request, LisolooClient lisoloo, CancellationToken cancellationToken) =>
{
    if (!PhoneNumbers.TryNormalize(request.Phone, out var phone))
    {
        return Results.ValidationProblem(new Dictionary<string, string[]> { ["phone"] = ["Not an E.164 phone number."] });
    }

    var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("000000", System.Globalization.CultureInfo.InvariantCulture);
    try
    {
        // One idempotency key per OTP: a retried request can never text the user twice.
        var sent = await lisoloo.SendAsync(
            new SendRequest([phone], $"Your code: {code[..3]} {code[3..]}. Valid 5 min.") { SenderId = "MYAPP", IdempotencyKey = "otp-" + Guid.NewGuid().ToString("N") },
            cancellationToken);
        return Results.Ok(new OtpResponse(sent.Value.MessageId, sent.Value.Status.Value));
    }
    catch (LisolooApiException ex) when (ex.ErrorCode == LisolooErrorCodes.InsufficientBalance)
    {
        return Results.Problem("SMS balance exhausted.", statusCode: StatusCodes.Status503ServiceUnavailable);
    }
    catch (LisolooApiException ex) when (ex.Status == 400)
    {
        return Results.ValidationProblem(ex.FieldErrors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()));
    }
});

app.MapGet("/sms/{messageId}", async (string messageId, LisolooClient lisoloo, CancellationToken cancellationToken) =>
{
    var status = await lisoloo.GetStatusAsync(messageId, cancellationToken);
    return Results.Ok(new { status = status.Value.Status.Value, recipients = status.Value.Recipients.Count });
});

app.Run();

internal sealed record OtpRequest(string Phone);

internal sealed record OtpResponse(string MessageId, string Status);

/// <summary>The app's entry point, public so that samples/CustomerTests can host it with WebApplicationFactory.</summary>
public partial class Program;
