using System.Globalization;
using System.Text;
using System.Text.Json;
using Lisoloo.Sdk;
using Lisoloo.Server.Carriers;
using Lisoloo.Server.Configuration;
using Lisoloo.Server.Diagnostics;
using Lisoloo.Server.Lifecycle;
using Lisoloo.Server.RateLimits;
using Lisoloo.Server.Sending;
using Lisoloo.Server.Storage;
using Lisoloo.Server.Workers;
using Microsoft.Extensions.Options;

namespace Lisoloo.Server.Api;

/// <summary>The v1 endpoints of docs/contract.md under <c>/api/v1/lisoloo/sms-api</c>.</summary>
internal sealed class SmsApi(
    IKeyStore keys,
    IAccountStore accounts,
    ISendStore sends,
    IStoreHealth storeHealth,
    StoreOutageMonitor outages,
    IRateLimiter limiter,
    CarrierRouter carriers,
    WorkSignals signals,
    ServerMetrics metrics,
    IOptions<ServerOptions> options,
    TimeProvider time)
{
    public const string BasePath = "/api/v1/lisoloo/sms-api";

    private ServerOptions Options => options.Value;

    /// <summary>Maps every endpoint and the JSON 404 for unknown paths.</summary>
    public static void Map(WebApplication app)
    {
        var group = app.MapGroup(BasePath).WithTags("SMS");
        group.MapPost("/send", (HttpContext c, SmsApi api) => api.SendAsync(c)).WithName("send")
            .WithSummary("Send now, on dates, or on a recurring schedule")
            .WithDescription("1–1,000 recipients; billed recipients × segments × occurrences at submit. Optional Idempotency-Key header.")
            .JsonBody<WireDocs.SendBody>()
            .Produces<WireDocs.Success<SendResult>>(201)
            .Errors(400, 401, 402, 409, 413, 415, 422, 429, 503);
        group.MapGet("/status/{message_id}", (HttpContext c, string message_id, SmsApi api) => api.StatusAsync(c, message_id)).WithName("status")
            .WithSummary("Aggregate status, per-recipient and per-occurrence rows")
            .Produces<WireDocs.Success<MessageStatus>>(200)
            .Errors(400, 401, 404, 429, 503);
        group.MapGet("/balance", (HttpContext c, SmsApi api) => api.BalanceAsync(c)).WithName("balance")
            .WithSummary("Balance, reserved amount, unit price, currency, environment")
            .Produces<WireDocs.Success<BalanceResult>>(200)
            .Errors(401, 429, 503);
        group.MapPost("/calculate", (HttpContext c, SmsApi api) => api.CalculateAsync(c)).WithName("calculate")
            .WithSummary("A budget into an SMS count, or a would-be send into its exact cost")
            .JsonBody<WireDocs.CalculateBody>()
            .Produces<WireDocs.Success<CalculateResult>>(200)
            .Errors(400, 401, 413, 415, 429, 503);
        group.MapGet("/health", (HttpContext c, SmsApi api) => api.HealthAsync(c)).WithName("health")
            .WithSummary("Liveness and readiness of the store and carrier routes (no key needed)")
            .Produces<WireDocs.Success<HealthResult>>(200)
            .Produces<WireDocs.Success<HealthResult>>(503)
            .RetryAfterHeaders();
        group.MapDelete("/cancel/{message_id}", (HttpContext c, string message_id, SmsApi api) => api.ActionAsync(c, message_id, SendAction.Cancel)).WithName("cancel")
            .WithSummary("Cancel what has not reached the carrier, and refund it")
            .Produces<WireDocs.Success<MessageActionResult>>(200)
            .Errors(400, 401, 404, 409, 429, 503);
        group.MapPost("/pause/{message_id}", (HttpContext c, string message_id, SmsApi api) => api.ActionAsync(c, message_id, SendAction.Pause)).WithName("pause")
            .WithSummary("Pause a scheduled or recurring send")
            .Produces<WireDocs.Success<MessageActionResult>>(200)
            .Errors(400, 401, 404, 409, 429, 503);
        group.MapPost("/resume/{message_id}", (HttpContext c, string message_id, SmsApi api) => api.ActionAsync(c, message_id, SendAction.Resume)).WithName("resume")
            .WithSummary("Resume a paused send; occurrences missed while paused are skipped and refunded")
            .Produces<WireDocs.Success<MessageActionResult>>(200)
            .Errors(400, 401, 404, 409, 429, 503);
        app.MapFallback((HttpContext c) => HttpPlumbing.WriteErrorAsync(c, new ApiError(404, LisolooErrorCodes.EndpointNotFound,
            $"No endpoint {c.Request.Method} {c.Request.Path.Value}. The v1 API lives under {BasePath}.")));
    }

    // ------------------------------------------------------------------ POST /send

    private async Task SendAsync(HttpContext context)
    {
        var key = await HttpPlumbing.AuthenticateAsync(context, keys, cached: true).ConfigureAwait(false); // the accept re-checks revocation in its transaction
        await HttpPlumbing.RateLimitAsync(context, limiter, key, RateLimitedEndpoint.Send, key.SendPerMinute ?? Options.RateLimits.SendPerMinute).ConfigureAwait(false);
        var body = await HttpPlumbing.ReadJsonBodyAsync(context).ConfigureAwait(false);
        var idempotency = HttpPlumbing.Idempotency(context, body);
        ParsedSend parsed;
        using (var doc = SendParser.ParseDocument(body))
        {
            parsed = SendParser.Parse(doc.RootElement, new SendContext(key.IsLive, key.DefaultSender, Options.Webhooks.AllowPrivateTargets, time.GetUtcNow()));
        }

        // Refused only when no route is configured at all: a configured route that is down for the moment (an SMSC
        // reconnecting) queues the messages, which go out once it is back (/health shows its state).
        var carrier = carriers.For(key.Environment)
            ?? throw new ApiErrorException(new ApiError(503, LisolooErrorCodes.CarrierUnavailable,
                $"No carrier route is configured for {key.Environment} keys; nothing was charged.") { RetryAfterSeconds = 30 });
        RefuseUncovered(carrier, parsed);

        var now = time.GetUtcNow();
        var messageId = Storage.TimeOrderedId.New(now.ToUnixTimeMilliseconds(), 12);
        var (result, cost) = Quotes.Accepted(parsed, messageId, key.UnitPriceMicros, key.Currency, now);
        var messages = result.TotalMessages;
        var immediate = parsed.SendingType == SendingTypes.Immediate;
        var response = new RecordedResponse(201, Envelope.Success(201, result, ServerJsonContext.Default.SendResult, context.RequestId()));
        var send = new NewSend(messageId, parsed.SendingType, parsed.Message, parsed.SenderId, parsed.Segments.Encoding.Value, parsed.Segments.Segments,
            parsed.Recipients, parsed.OccurrencesAt, cost, parsed.CallbackUrl, parsed.TimeZone, parsed.ScheduleJson, parsed.CancelWithinSeconds);
        var outcome = await sends.AcceptSendAsync(key, send, idempotency, response, context.RequestAborted).ConfigureAwait(false);
        if (outcome.Replayed)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }
        else
        {
            metrics.Accepted(parsed.SendingType, messages);
            if (immediate)
            {
                signals.DeliveriesWaiting(parsed.CancelWithinSeconds);
            }
            else
            {
                signals.ScheduleChanged();
            }
        }

        await HttpPlumbing.WriteJsonAsync(context, outcome.Response.Status, outcome.Response.Body).ConfigureAwait(false);
    }

    /// <summary>Refuses the whole send (422, 1503) when a recipient has no route, naming each one by its field.</summary>
    private static void RefuseUncovered(ICarrier carrier, ParsedSend parsed)
    {
        List<(string Field, string Number)>? uncovered = null;
        for (var i = 0; i < parsed.Recipients.Count; i++)
        {
            if (!carrier.Covers(parsed.Recipients[i]))
            {
                (uncovered ??= []).Add((parsed.RecipientFields[i], parsed.Recipients[i]));
            }
        }

        if (uncovered is not null)
        {
            throw new ApiErrorException(Errors.NotCovered(uncovered));
        }
    }

    // ------------------------------------------------------------------ GET /status/{id}

    private async Task StatusAsync(HttpContext context, string messageId)
    {
        var key = await HttpPlumbing.AuthenticateAsync(context, keys).ConfigureAwait(false);
        await HttpPlumbing.RateLimitAsync(context, limiter, key, RateLimitedEndpoint.Status, key.StatusPerMinute ?? Options.RateLimits.StatusPerMinute).ConfigureAwait(false);
        MessageIds.Validate(messageId);
        var view = await sends.GetSendAsync(messageId, key.AccountId, context.RequestAborted).ConfigureAwait(false)
            ?? throw await NotFoundAsync(messageId, key, context.RequestAborted).ConfigureAwait(false);
        var status = StatusView.Build(view);
        await HttpPlumbing.WriteJsonAsync(context, 200, Envelope.Success(200, status, ServerJsonContext.Default.MessageStatus, context.RequestId())).ConfigureAwait(false);
    }

    /// <summary>404, or 403/1004 when the message is the same merchant's in the other environment (never another merchant's).</summary>
    private async Task<ApiErrorException> NotFoundAsync(string messageId, ApiKeyInfo key, CancellationToken cancellationToken) =>
        await sends.OtherEnvironmentOfAsync(messageId, key.AccountId, cancellationToken).ConfigureAwait(false) is { } environment
            ? new ApiErrorException(new ApiError(403, LisolooErrorCodes.WrongEnvironment,
                $"This message belongs to your {environment} environment; use a {environment} key to reach it."))
            : new ApiErrorException(ApiError.NotFound());

    // ------------------------------------------------------------------ GET /balance

    private async Task BalanceAsync(HttpContext context)
    {
        var key = await HttpPlumbing.AuthenticateAsync(context, keys).ConfigureAwait(false);
        await HttpPlumbing.RateLimitAsync(context, limiter, key, RateLimitedEndpoint.Balance, key.BalancePerMinute ?? Options.RateLimits.BalancePerMinute).ConfigureAwait(false);
        var balance = await accounts.GetBalanceAsync(key.AccountId, context.RequestAborted).ConfigureAwait(false)
            ?? throw new InvalidOperationException("A key without an account.");
        var result = new BalanceResult
        {
            Balance = Money.ToDecimal(balance.BalanceMicros),
            Reserved = Money.ToDecimal(balance.ReservedMicros),
            UnitPrice = Money.ToDecimal(balance.UnitPriceMicros),
            Currency = balance.Currency,
            Environment = balance.Environment,
        };
        await HttpPlumbing.WriteJsonAsync(context, 200, Envelope.Success(200, result, ServerJsonContext.Default.BalanceResult, context.RequestId())).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------ POST /calculate

    private async Task CalculateAsync(HttpContext context)
    {
        var key = await HttpPlumbing.AuthenticateAsync(context, keys).ConfigureAwait(false);
        await HttpPlumbing.RateLimitAsync(context, limiter, key, RateLimitedEndpoint.Calculate, key.CalculatePerMinute ?? Options.RateLimits.CalculatePerMinute).ConfigureAwait(false);
        var body = await HttpPlumbing.ReadJsonBodyAsync(context).ConfigureAwait(false);
        var balance = await accounts.GetBalanceAsync(key.AccountId, context.RequestAborted).ConfigureAwait(false)
            ?? throw new InvalidOperationException("A key without an account.");
        CalculateResult result;
        using (var doc = SendParser.ParseDocument(body))
        {
            result = Quotes.Calculate(doc.RootElement, new SendContext(key.IsLive, key.DefaultSender, Options.Webhooks.AllowPrivateTargets, time.GetUtcNow()), balance);
        }

        await HttpPlumbing.WriteJsonAsync(context, 200, Envelope.Success(200, result, ServerJsonContext.Default.CalculateResult, context.RequestId())).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------ GET /health

    private async Task HealthAsync(HttpContext context)
    {
        var checks = new Dictionary<string, HealthCheck>(StringComparer.Ordinal);
        var storeOk = await storeHealth.PingAsync(context.RequestAborted).ConfigureAwait(false);
        string? cannotWrite = null;
        if (storeOk && (outages.Failing || time.GetUtcNow() - outages.LastSuccess > TimeSpan.FromSeconds(5)))
        {
            // A full disk or a read-only store still answers reads: when the last write failed, or none changed a row
            // in the last 5 s (an idle server), write one row to find out.
            cannotWrite = await storeHealth.ProbeWriteAsync(context.RequestAborted).ConfigureAwait(false);
        }

        storeOk &= cannotWrite is null;
        checks["store"] = new HealthCheck
        {
            Status = storeOk ? "healthy" : "unhealthy",
            Description = storeHealth.Provider + (storeOk ? ": reachable and writable" : cannotWrite is not null ? ": cannot write: " + cannotWrite : ": unreachable"),
        };
        var degraded = false;
        foreach (var carrier in carriers.All)
        {
            var ready = carrier.IsReady;
            degraded |= !ready;
            checks["carrier:" + carrier.Name] = new HealthCheck { Status = ready ? "healthy" : "degraded", Description = carrier.Describe() };
            foreach (var (name, linkReady, description) in carrier.Links)
            {
                checks[$"carrier:{carrier.Name}:{name}"] = new HealthCheck { Status = linkReady ? "healthy" : "degraded", Description = description };
            }
        }

        if (carriers.For("live") is null)
        {
            // Not a fault of a sandbox-only installation: reported, not degrading.
            checks["carrier:live"] = new HealthCheck { Status = "not_configured", Description = "No live carrier route is configured (Lisoloo:LiveCarrier); live keys are refused with 1502." };
        }

        // A stable summary name beside the per-route checks: "carrier" is healthy when every configured route is ready.
        checks["carrier"] = new HealthCheck
        {
            Status = degraded ? "degraded" : "healthy",
            Description = string.Join(", ", carriers.All.Select(c => c.Name + (c.IsReady ? " ready" : " not ready"))),
        };
        var status = !storeOk ? "unhealthy" : degraded ? "degraded" : "healthy";
        var result = new HealthResult { Status = status, Version = ServerInfo.Version, Time = time.GetUtcNow(), Checks = checks };
        var code = storeOk ? 200 : 503;
        if (!storeOk)
        {
            context.Response.Headers.RetryAfter = StoreOutage.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }

        await HttpPlumbing.WriteJsonAsync(context, code, Envelope.Success(code, result, ServerJsonContext.Default.HealthResult, context.RequestId())).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------ cancel, pause, resume

    private async Task ActionAsync(HttpContext context, string messageId, SendAction action)
    {
        var key = await HttpPlumbing.AuthenticateAsync(context, keys).ConfigureAwait(false);
        await HttpPlumbing.RateLimitAsync(context, limiter, key, RateLimitedEndpoint.Actions, Options.RateLimits.ActionsPerMinute).ConfigureAwait(false);
        MessageIds.Validate(messageId);
        // The idempotency hash covers the route's name and the id ("cancel 0123…"), as records written by earlier builds do.
        var route = action switch { SendAction.Cancel => "cancel", SendAction.Pause => "pause", _ => "resume" };
        var idempotency = HttpPlumbing.Idempotency(context, Encoding.UTF8.GetBytes(route + " " + messageId));
        var requestId = context.RequestId();
        RecordedResponse Render(ActionOutcome o) => new(200, Envelope.Success(200, Quotes.Action(messageId, o), ServerJsonContext.Default.MessageActionResult, requestId));

        AcceptOutcome outcome;
        try
        {
            outcome = action switch
            {
                SendAction.Cancel => await sends.CancelAsync(messageId, key.AccountId, key.KeyId, idempotency, Render, context.RequestAborted).ConfigureAwait(false),
                SendAction.Pause => await sends.PauseAsync(messageId, key.AccountId, key.KeyId, idempotency, Render, context.RequestAborted).ConfigureAwait(false),
                _ => await sends.ResumeAsync(messageId, key.AccountId, key.KeyId, idempotency, Render, context.RequestAborted).ConfigureAwait(false),
            };
        }
        catch (SendActionRefusedException ex) when (ex.ErrorCode == LisolooErrorCodes.MessageNotFound)
        {
            throw await NotFoundAsync(messageId, key, context.RequestAborted).ConfigureAwait(false);
        }
        if (outcome.Replayed)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }
        else if (action == SendAction.Resume)
        {
            signals.ScheduleChanged();
        }

        await HttpPlumbing.WriteJsonAsync(context, outcome.Response.Status, outcome.Response.Body).ConfigureAwait(false);
    }
}
