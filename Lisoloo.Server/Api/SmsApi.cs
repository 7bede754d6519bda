using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lisoloo.Sdk;
using Lisoloo.Server.Carriers;
using Lisoloo.Server.Configuration;
using Lisoloo.Server.Hosting;
using Lisoloo.Server.Sending;
using Lisoloo.Server.Storage;
using Lisoloo.Server.Workers;
using Microsoft.Extensions.Options;

namespace Lisoloo.Server.Api;

/// <summary>The v1 endpoints of CONTRACT.md under <c>/api/v1/lisoloo/sms-api</c>.</summary>
internal sealed class SmsApi(
    IKeyStore keys,
    IAccountStore accounts,
    ISendStore sends,
    IStoreHealth storeHealth,
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
            .Errors(400, 401, 402, 409, 413, 415, 429, 503);
        group.MapGet("/status/{message_id}", (HttpContext c, string message_id, SmsApi api) => api.StatusAsync(c, message_id)).WithName("status")
            .WithSummary("Aggregate status, per-recipient and per-occurrence rows")
            .Produces<WireDocs.Success<MessageStatus>>(200)
            .Errors(400, 401, 404, 429);
        group.MapGet("/balance", (HttpContext c, SmsApi api) => api.BalanceAsync(c)).WithName("balance")
            .WithSummary("Balance, reserved amount, unit price, currency, environment")
            .Produces<WireDocs.Success<BalanceResult>>(200)
            .Errors(401, 429);
        group.MapPost("/calculate", (HttpContext c, SmsApi api) => api.CalculateAsync(c)).WithName("calculate")
            .WithSummary("A budget into an SMS count, or a would-be send into its exact cost")
            .JsonBody<WireDocs.CalculateBody>()
            .Produces<WireDocs.Success<CalculateResult>>(200)
            .Errors(400, 401, 413, 415, 429);
        group.MapGet("/health", (HttpContext c, SmsApi api) => api.HealthAsync(c)).WithName("health")
            .WithSummary("Liveness and readiness of the store and carrier routes (no key needed)")
            .Produces<WireDocs.Success<HealthResult>>(200)
            .Produces<WireDocs.Success<HealthResult>>(503);
        group.MapDelete("/cancel/{message_id}", (HttpContext c, string message_id, SmsApi api) => api.ActionAsync(c, message_id, "cancel")).WithName("cancel")
            .WithSummary("Cancel what has not reached the carrier, and refund it")
            .Produces<WireDocs.Success<MessageActionResult>>(200)
            .Errors(400, 401, 404, 409, 429);
        group.MapPost("/pause/{message_id}", (HttpContext c, string message_id, SmsApi api) => api.ActionAsync(c, message_id, "pause")).WithName("pause")
            .WithSummary("Pause a scheduled or recurring send")
            .Produces<WireDocs.Success<MessageActionResult>>(200)
            .Errors(400, 401, 404, 409, 429);
        group.MapPost("/resume/{message_id}", (HttpContext c, string message_id, SmsApi api) => api.ActionAsync(c, message_id, "resume")).WithName("resume")
            .WithSummary("Resume a paused send; occurrences missed while paused are skipped and refunded")
            .Produces<WireDocs.Success<MessageActionResult>>(200)
            .Errors(400, 401, 404, 409, 429);
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
        if (carriers.For(key.Environment) is null)
        {
            throw new ApiErrorException(new ApiError(503, LisolooErrorCodes.CarrierUnavailable,
                $"No carrier route is configured for {key.Environment} keys; nothing was charged.") { RetryAfterSeconds = 30 });
        }

        var messages = (long)parsed.Recipients.Count * parsed.Segments.Segments * parsed.OccurrencesAt.Count;
        var cost = checked(messages * key.UnitPriceMicros);
        var messageId = Storage.TimeOrderedId.New(time.GetUtcNow().ToUnixTimeMilliseconds(), 12);
        var immediate = parsed.SendingType == "immediate";
        var firstAt = immediate
            ? DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds() + (parsed.CancelWithinSeconds * 1000L))
            : DateTimeOffset.FromUnixTimeMilliseconds(parsed.OccurrencesAt[0]);
        var result = new SendResult
        {
            MessageId = messageId,
            TotalRecipients = parsed.Recipients.Count,
            TotalMessages = (int)messages,
            TotalCost = Money.ToDecimal(cost),
            Currency = key.Currency,
            Status = immediate ? SmsStatus.Pending : SmsStatus.Scheduled,
            SendingType = new SendingType(parsed.SendingType),
            Segments = parsed.Segments.Segments,
            Encoding = parsed.Segments.Encoding,
            Occurrences = parsed.OccurrencesAt.Count,
            FirstSendAt = firstAt,
        };
        var response = Envelope.Success(201, result, ServerJsonContext.Default.SendResult, context.RequestId());
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

        await HttpPlumbing.WriteJsonAsync(context, outcome.Status, outcome.Response).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------ GET /status/{id}

    private async Task StatusAsync(HttpContext context, string messageId)
    {
        var key = await HttpPlumbing.AuthenticateAsync(context, keys).ConfigureAwait(false);
        await HttpPlumbing.RateLimitAsync(context, limiter, key, RateLimitedEndpoint.Status, key.StatusPerMinute ?? Options.RateLimits.StatusPerMinute).ConfigureAwait(false);
        ValidateMessageId(messageId);
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

    private static void ValidateMessageId(string messageId)
    {
        if (messageId.Length != 24 || !messageId.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            const string Message = "message_id must be 24 lowercase hexadecimal characters.";
            throw new ApiErrorException(new ApiError(400, LisolooErrorCodes.InvalidMessageId, Message,
                [new FieldError("message_id", LisolooErrorCodes.InvalidMessageId, Message)]));
        }
    }

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
            var root = doc.RootElement;
            result = SendParser.TryGet(root, "budget", out var budgetElement) && !SendParser.TryGet(root, "to", out _)
                ? Budget(budgetElement, root, balance)
                : WouldBeSend(root, key, balance);
        }

        await HttpPlumbing.WriteJsonAsync(context, 200, Envelope.Success(200, result, ServerJsonContext.Default.CalculateResult, context.RequestId())).ConfigureAwait(false);
    }

    private static CalculateResult Budget(JsonElement budgetElement, JsonElement root, AccountBalance balance)
    {
        if (budgetElement.ValueKind != JsonValueKind.Number || !budgetElement.TryGetDecimal(out var budget))
        {
            throw new ApiErrorException(ApiError.Validation([SendParser.WrongType("budget", "a number")]));
        }

        if (budget < 0 || !Money.TryToMicros(budget, out var budgetMicros))
        {
            throw new ApiErrorException(ApiError.Field("budget", LisolooErrorCodes.InvalidBudget, "budget must be a non-negative amount with at most 6 decimals."));
        }

        var segments = 1;
        SmsEncoding? encoding = null;
        if (SendParser.TryGet(root, "message", out var messageElement))
        {
            var errors = new List<FieldError>();
            if (!SendParser.TryReadString(messageElement, "message", errors, out var message))
            {
                throw new ApiErrorException(ApiError.Validation(errors));
            }

            if (message.Length > 0)
            {
                var info = SmsSegments.Count(message);
                segments = info.Segments;
                encoding = info.Encoding;
            }
        }

        int? smsCount = balance.UnitPriceMicros == 0 ? int.MaxValue : (int)Math.Min(int.MaxValue, budgetMicros / balance.UnitPriceMicros);
        return new CalculateResult
        {
            UnitPrice = Money.ToDecimal(balance.UnitPriceMicros),
            Currency = balance.Currency,
            Budget = budget,
            SmsCount = smsCount,
            MessageCount = smsCount / segments,
            Segments = segments,
            Encoding = encoding,
            Balance = Money.ToDecimal(balance.BalanceMicros),
        };
    }

    private CalculateResult WouldBeSend(JsonElement root, ApiKeyInfo key, AccountBalance balance)
    {
        var parsed = SendParser.Parse(root, new SendContext(key.IsLive, key.DefaultSender, Options.Webhooks.AllowPrivateTargets, time.GetUtcNow()));
        var messages = (long)parsed.Recipients.Count * parsed.Segments.Segments * parsed.OccurrencesAt.Count;
        var cost = checked(messages * balance.UnitPriceMicros);
        return new CalculateResult
        {
            UnitPrice = Money.ToDecimal(balance.UnitPriceMicros),
            Currency = balance.Currency,
            Segments = parsed.Segments.Segments,
            Encoding = parsed.Segments.Encoding,
            TotalRecipients = parsed.Recipients.Count,
            Occurrences = parsed.OccurrencesAt.Count,
            TotalMessages = (int)messages,
            TotalCost = Money.ToDecimal(cost),
            Balance = Money.ToDecimal(balance.BalanceMicros),
            SufficientBalance = balance.BalanceMicros >= cost,
        };
    }

    // ------------------------------------------------------------------ GET /health

    private async Task HealthAsync(HttpContext context)
    {
        var checks = new Dictionary<string, HealthCheck>(StringComparer.Ordinal);
        var storeOk = await storeHealth.PingAsync(context.RequestAborted).ConfigureAwait(false);
        checks["store"] = new HealthCheck
        {
            Status = storeOk ? "healthy" : "unhealthy",
            Description = storeHealth.Provider + (storeOk ? ": reachable" : ": unreachable"),
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
        await HttpPlumbing.WriteJsonAsync(context, code, Envelope.Success(code, result, ServerJsonContext.Default.HealthResult, context.RequestId())).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------ cancel, pause, resume

    private async Task ActionAsync(HttpContext context, string messageId, string action)
    {
        var key = await HttpPlumbing.AuthenticateAsync(context, keys).ConfigureAwait(false);
        await HttpPlumbing.RateLimitAsync(context, limiter, key, RateLimitedEndpoint.Actions, Options.RateLimits.ActionsPerMinute).ConfigureAwait(false);
        ValidateMessageId(messageId);
        var idempotency = HttpPlumbing.Idempotency(context, Encoding.UTF8.GetBytes(action + " " + messageId));
        var requestId = context.RequestId();
        byte[] Render(ActionOutcome o) => Envelope.Success(200, new MessageActionResult
        {
            MessageId = messageId,
            Status = new SmsStatus(o.Status),
            RefundedMessages = o.RefundedMessages,
            RefundedAmount = Money.ToDecimal(o.RefundedMicros),
            Currency = o.Currency,
            SkippedOccurrences = o.SkippedOccurrences,
        }, ServerJsonContext.Default.MessageActionResult, requestId);

        AcceptOutcome outcome;
        try
        {
            outcome = action switch
            {
                "cancel" => await sends.CancelAsync(messageId, key.AccountId, key.KeyId, idempotency, Render, context.RequestAborted).ConfigureAwait(false),
                "pause" => await sends.PauseAsync(messageId, key.AccountId, key.KeyId, idempotency, Render, context.RequestAborted).ConfigureAwait(false),
                _ => await sends.ResumeAsync(messageId, key.AccountId, key.KeyId, idempotency, Render, context.RequestAborted).ConfigureAwait(false),
            };
        }
        catch (ApiErrorException ex) when (ex.Error.ErrorCode == LisolooErrorCodes.MessageNotFound)
        {
            throw await NotFoundAsync(messageId, key, context.RequestAborted).ConfigureAwait(false);
        }
        if (outcome.Replayed)
        {
            context.Response.Headers["Idempotent-Replayed"] = "true";
        }
        else if (action == "resume")
        {
            signals.ScheduleChanged();
        }

        await HttpPlumbing.WriteJsonAsync(context, outcome.Status, outcome.Response).ConfigureAwait(false);
    }
}

/// <summary>Endpoint metadata helpers.</summary>
internal static class EndpointDocs
{
    /// <summary>
    /// Documents a JSON request body without <c>Accepts</c> metadata, which would make routing answer other media types
    /// itself (a bare 404/415) instead of the handler's error envelope (415/1121, 400/1101).
    /// </summary>
    public static RouteHandlerBuilder JsonBody<T>(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(T), null, cancellationToken).ConfigureAwait(false);
            operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
            };
        });

    /// <summary>Declares the error envelope for each status.</summary>
    public static RouteHandlerBuilder Errors(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.Produces<WireDocs.Error>(status);
        }

        return builder;
    }
}

/// <summary>Builds the <c>GET /status</c> body from stored rows.</summary>
internal static class StatusView
{
    public static MessageStatus Build(SendView view)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var bySeq = new Dictionary<int, Dictionary<string, int>>();
        var recipients = new List<RecipientStatus>(view.Deliveries.Count);
        foreach (var d in view.Deliveries)
        {
            counts[d.State] = counts.GetValueOrDefault(d.State) + 1;
            if (!bySeq.TryGetValue(d.Seq, out var seqCounts))
            {
                bySeq[d.Seq] = seqCounts = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            seqCounts[d.State] = seqCounts.GetValueOrDefault(d.State) + 1;
            recipients.Add(new RecipientStatus
            {
                To = d.Recipient,
                Occurrence = d.Seq,
                Status = new SmsStatus(d.State),
                ErrorCode = d.ErrorCode,
                ErrorMessage = d.ErrorMessage,
                Segments = view.Segments,
                UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(d.UpdatedAt),
                Timestamps = Timestamps(d.Stages),
            });
        }

        var occurrences = new List<OccurrenceStatus>(Math.Max(1, view.Occurrences.Count));
        IEnumerable<OccurrenceView> stored = view.SendingType == "immediate"
            ? [new OccurrenceView(1, view.FirstSendAt, "released")] // an immediate send is one occurrence, released at submit
            : view.Occurrences;
        foreach (var o in stored)
        {
            string state;
            if (o.State == "released" && bySeq.TryGetValue(o.Seq, out var seqCounts))
            {
                state = Lifecycle.Aggregate("active", seqCounts);
            }
            else
            {
                state = Lifecycle.OccurrenceState(o.State);
                if (o.State != "released")
                {
                    counts[state] = counts.GetValueOrDefault(state) + view.TotalRecipients;
                }
            }

            occurrences.Add(new OccurrenceStatus { Sequence = o.Seq, ScheduledAt = DateTimeOffset.FromUnixTimeMilliseconds(o.DueAt), Status = new SmsStatus(state) });
        }

        return new MessageStatus
        {
            MessageId = view.MessageId,
            Status = new SmsStatus(Lifecycle.Aggregate(view.State, counts)),
            SendingType = new SendingType(view.SendingType),
            Encoding = new SmsEncoding(view.Encoding),
            Segments = view.Segments,
            SenderId = view.SenderId,
            TotalRecipients = view.TotalRecipients,
            TotalMessages = view.TotalMessages,
            TotalCost = Money.ToDecimal(view.TotalCostMicros),
            RefundedAmount = Money.ToDecimal(view.RefundedMicros),
            Currency = view.Currency,
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(view.CreatedAt),
            Counts = counts,
            Occurrences = occurrences,
            Recipients = recipients,
        };
    }

    private static Dictionary<string, DateTimeOffset> Timestamps(IReadOnlyList<(string State, long At)> stages)
    {
        var result = new Dictionary<string, DateTimeOffset>(stages.Count, StringComparer.Ordinal);
        foreach (var (state, at) in stages)
        {
            result[state] = DateTimeOffset.FromUnixTimeMilliseconds(at);
        }

        return result;
    }
}
