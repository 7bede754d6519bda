using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lisoloo.Server.Api;
using Lisoloo.Server.Auth;
using Lisoloo.Server.Lifecycle;
using Lisoloo.Server.RateLimits;
using Lisoloo.Server.Sending;
using Lisoloo.Server.Storage;

namespace Lisoloo.Sdk.Testing.Internal;

/// <summary>An answer of the mock API: status, headers and the UTF-8 JSON body.</summary>
internal sealed record MockAnswer(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>
/// The v1 API in memory, one account and one key: the reference server's order of checks (authentication, rate limit,
/// body, idempotency header, validation, idempotency record, balance), its parser, prices, limits, lifecycle rules and
/// error answers, which are compiled in from <c>Lisoloo.Server</c>. Thread-safe: one lock around the state, which is
/// all in memory.
/// </summary>
internal sealed class MockApi
{
    public const string BasePath = "/api/v1/lisoloo/sms-api";

    private const long KeyId = 1;

    private readonly object _gate = new();
    private readonly LisolooMockServerOptions _options;
    private readonly TimeProvider _time;
    private readonly RateLimiter _limiter;
    private readonly MockDelays _delays;
    private readonly string _environment;
    private readonly long _unitPriceMicros;
    private readonly long _startingBalanceMicros;
    private readonly List<MockSendRecord> _sends = [];
    private readonly Dictionary<string, MockSendRecord> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (byte[] Hash, int Status, byte[] Response, long At)> _idempotency = new(StringComparer.Ordinal);
    private readonly Queue<LisolooMockFailure> _failures = new();
    private long _topUpMicros;

    public MockApi(LisolooMockServerOptions options, string apiKey)
    {
        _options = options;
        _time = options.TimeProvider;
        _limiter = new RateLimiter(_time);
        _delays = new MockDelays(options.DeliveryDelay, options.SlowDeliveryDelay, options.FailureDelay);
        ApiKey = apiKey;
        _environment = KeyMaterial.IsWellFormed(apiKey, out var environment) ? environment : throw new ArgumentException("The ApiKey must look like sk_test_… or sk_live_….", nameof(options));
        _unitPriceMicros = ToMicros(options.UnitPrice, nameof(options.UnitPrice));
        _startingBalanceMicros = ToMicros(options.Balance, nameof(options.Balance));
    }

    public string ApiKey { get; }

    /// <summary>Gets the accepted sends, oldest first.</summary>
    public IReadOnlyList<MockSend> Sends
    {
        get
        {
            lock (_gate)
            {
                return [.. _sends.Select(s => s.Send)];
            }
        }
    }

    /// <summary>Gets the balance now, with what the sandbox has refunded so far.</summary>
    public decimal Balance
    {
        get
        {
            lock (_gate)
            {
                return Money.ToDecimal(BalanceMicros(Now));
            }
        }
    }

    public void TopUp(decimal amount)
    {
        var micros = ToMicros(amount, nameof(amount));
        lock (_gate)
        {
            _topUpMicros += micros;
        }
    }

    public void FailNext(LisolooMockFailure failure, int count)
    {
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _failures.Enqueue(failure);
            }
        }
    }

    /// <summary>Forgets every send, idempotency record, rate-limit window and queued failure; the balance starts again.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _sends.Clear();
            _byId.Clear();
            _idempotency.Clear();
            _failures.Clear();
            _topUpMicros = 0;
            _limiter.Trim();
        }
    }

    /// <summary>Answers one request.</summary>
    public MockAnswer Handle(string method, string path, Func<string, string?> header, byte[] body)
    {
        var requestId = NewRequestId();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Content-Type"] = "application/json; charset=utf-8",
            ["X-Request-Id"] = requestId,
        };
        try
        {
            lock (_gate)
            {
                var (status, response) = Route(method, path, header, body, headers, requestId);
                return new MockAnswer(status, headers, response);
            }
        }
        catch (RequestInvalidException ex)
        {
            var error = Errors.Invalid(ex);
            return new MockAnswer(error.Status, headers, Envelope.Error(error, requestId));
        }
        catch (RefusedException ex)
        {
            var error = Errors.Refused(ex);
            return new MockAnswer(error.Status, headers, Envelope.Error(error, requestId));
        }
        catch (ApiErrorException ex)
        {
            if (ex.Error.RetryAfterSeconds is { } retry)
            {
                headers["Retry-After"] = retry.ToString(CultureInfo.InvariantCulture);
            }

            return new MockAnswer(ex.Error.Status, headers, Envelope.Error(ex.Error, requestId));
        }
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string NewRequestId() => "req_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();

    private static long ToMicros(decimal amount, string name)
        => amount >= 0 && Money.TryToMicros(amount, out var micros) ? micros : throw new ArgumentException($"{name} must be a non-negative amount with at most 6 decimals.", name);

    private (int Status, byte[] Body) Route(string method, string path, Func<string, string?> header, byte[] body, Dictionary<string, string> headers, string requestId)
    {
        // One or two segments under the base path, as the server's routes: anything deeper is no endpoint.
        var rest = path.StartsWith(BasePath + "/", StringComparison.Ordinal) ? path[(BasePath.Length + 1)..] : null;
        var slash = rest?.IndexOf('/') ?? -1;
        var endpoint = slash < 0 ? rest : rest![..slash];
        var id = slash < 0 ? null : rest![(slash + 1)..];
        if (id is not null && id.Contains('/'))
        {
            endpoint = null;
        }

        id = id is null ? null : Uri.UnescapeDataString(id);
        switch (method, endpoint, id)
        {
            case ("GET", "health", null):
                return (200, Health(requestId));
            case ("POST", "send", null):
                FailIfAsked(headers);
                Authenticate(header);
                RateLimit(headers, _options.SendPerMinute, RateLimitedEndpoint.Send);
                return Send(header, body, requestId, headers);
            case ("GET", "status", { Length: > 0 }):
                FailIfAsked(headers);
                Authenticate(header);
                RateLimit(headers, _options.StatusPerMinute, RateLimitedEndpoint.Status);
                MessageIds.Validate(id);
                return (200, Envelope.Success(200, StatusView.Build(Find(id).View(Now)), ServerJsonContext.Default.MessageStatus, requestId));
            case ("GET", "balance", null):
                FailIfAsked(headers);
                Authenticate(header);
                RateLimit(headers, _options.BalancePerMinute, RateLimitedEndpoint.Balance);
                return (200, Envelope.Success(200, BalanceResult(), ServerJsonContext.Default.BalanceResult, requestId));
            case ("POST", "calculate", null):
                FailIfAsked(headers);
                Authenticate(header);
                RateLimit(headers, _options.CalculatePerMinute, RateLimitedEndpoint.Calculate);
                return (200, Calculate(header, body, requestId));
            case ("DELETE", "cancel", { Length: > 0 }):
            case ("POST", "pause" or "resume", { Length: > 0 }):
                FailIfAsked(headers);
                Authenticate(header);
                RateLimit(headers, _options.ActionsPerMinute, RateLimitedEndpoint.Actions);
                MessageIds.Validate(id);
                return Act(endpoint!, id, header, requestId, headers);
            default:
                throw new ApiErrorException(new ApiError(404, LisolooErrorCodes.EndpointNotFound,
                    $"No endpoint {method} {path}. The v1 API lives under {BasePath}."));
        }
    }

    // ------------------------------------------------------------------ the checks every endpoint shares

    private void FailIfAsked(Dictionary<string, string> headers)
    {
        if (!_failures.TryDequeue(out var failure))
        {
            return;
        }

        if (failure == LisolooMockFailure.RateLimited)
        {
            headers["X-RateLimit-Limit"] = "60";
            headers["X-RateLimit-Remaining"] = "0";
            headers["X-RateLimit-Reset"] = "1";
        }

        throw new ApiErrorException(failure switch
        {
            LisolooMockFailure.CarrierUnavailable => new ApiError(503, LisolooErrorCodes.CarrierUnavailable, "No carrier route is available right now; retry later.") { RetryAfterSeconds = 1 },
            LisolooMockFailure.InternalError => new ApiError(500, LisolooErrorCodes.InternalError, "Internal error. Quote the request id to support."),
            LisolooMockFailure.RateLimited => new ApiError(429, LisolooErrorCodes.RateLimitExceeded, "Rate limit of 60 requests per minute reached for this key; retry in 1 s.") { RetryAfterSeconds = 1 },
            _ => new ApiError(503, LisolooErrorCodes.ServiceUnavailable, "The service cannot reach its store right now; nothing was done. Retry after the Retry-After delay.") { RetryAfterSeconds = 1 },
        });
    }

    /// <summary>The key from <c>app-key</c> (or <c>Authorization: Bearer</c>): 401 with 1001, 1002 or 1003 as the server answers.</summary>
    private void Authenticate(Func<string, string?> header)
    {
        var key = header("app-key");
        if (string.IsNullOrEmpty(key))
        {
            key = RequestRules.Bearer(header("Authorization"));
        }

        RequestRules.CheckKeyShape(key);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key!), Encoding.UTF8.GetBytes(ApiKey)))
        {
            throw new ApiErrorException(Errors.InvalidKey());
        }
    }

    private void RateLimit(Dictionary<string, string> headers, int limit, RateLimitedEndpoint endpoint)
    {
        var decision = _limiter.Acquire(KeyId, endpoint, limit);
        if (decision.Limit <= 0)
        {
            return;
        }

        headers["X-RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = decision.ResetSeconds.ToString(CultureInfo.InvariantCulture);
        if (!decision.Allowed)
        {
            throw new ApiErrorException(RequestRules.RateLimited(decision));
        }
    }

    /// <summary>The body as the server reads it: JSON only (415), at most 256 KiB (413), not empty (400, 1101).</summary>
    private static byte[] JsonBody(Func<string, string?> header, byte[] body)
    {
        RequestRules.CheckContentType(header("Content-Type"));
        if (body.Length > RequestRules.MaxBodyBytes)
        {
            throw new ApiErrorException(RequestRules.TooLarge());
        }

        RequestRules.CheckNotEmpty(body.Length);
        return body;
    }

    private static IdempotencyRequest? Idempotency(Func<string, string?> header, ReadOnlySpan<byte> protectedBytes)
        => RequestRules.Idempotency(header("Idempotency-Key"), protectedBytes);

    /// <summary>The first answer of a key used again with the same request within 24 h; the 409 of one used with another.</summary>
    private (int Status, byte[] Body)? Replay(IdempotencyRequest? idempotency, Dictionary<string, string> headers)
    {
        if (idempotency is null || !_idempotency.TryGetValue(idempotency.Key, out var record)
            || record.At <= Now - (long)Server.Storage.Idempotency.Retention.TotalMilliseconds)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(record.Hash, idempotency.RequestHash))
        {
            throw new IdempotencyKeyReusedException();
        }

        headers["Idempotent-Replayed"] = "true";
        return (record.Status, record.Response);
    }

    private void Remember(IdempotencyRequest? idempotency, int status, byte[] response)
    {
        if (idempotency is not null)
        {
            _idempotency[idempotency.Key] = (idempotency.RequestHash, status, response, Now);
        }
    }

    private MockSendRecord Find(string messageId)
        => _byId.TryGetValue(messageId, out var send) ? send : throw new ApiErrorException(ApiError.NotFound());

    private SendContext Context() => new(_environment == "live", _options.DefaultSenderId, AllowPrivateTargets: false, _time.GetUtcNow());

    private long BalanceMicros(long now)
    {
        var balance = _startingBalanceMicros + _topUpMicros;
        foreach (var send in _sends)
        {
            balance += send.RefundedMicros(now) - send.CostMicros;
        }

        return balance;
    }

    private AccountBalance Account()
    {
        var now = Now;
        return new AccountBalance(1, "mock", _environment, BalanceMicros(now), _sends.Sum(s => s.ReservedMicros(now)), _unitPriceMicros, _options.Currency);
    }

    // ------------------------------------------------------------------ endpoints

    private (int Status, byte[] Body) Send(Func<string, string?> header, byte[] rawBody, string requestId, Dictionary<string, string> headers)
    {
        var body = JsonBody(header, rawBody);
        var idempotency = Idempotency(header, body);
        ParsedSend parsed;
        using (var doc = SendParser.ParseDocument(body))
        {
            parsed = SendParser.Parse(doc.RootElement, Context());
        }

        if (Replay(idempotency, headers) is { } replay)
        {
            return replay;
        }

        var now = _time.GetUtcNow();
        var messageId = TimeOrderedId.New(now.ToUnixTimeMilliseconds(), 12);
        var (result, cost) = Quotes.Accepted(parsed, messageId, _unitPriceMicros, _options.Currency, now);
        var available = BalanceMicros(now.ToUnixTimeMilliseconds());
        if (available < cost)
        {
            throw new InsufficientBalanceException(cost, available, _options.Currency);
        }

        var response = Envelope.Success(201, result, ServerJsonContext.Default.SendResult, requestId);
        var send = new MockSend
        {
            MessageId = messageId,
            SendingType = result.SendingType,
            To = parsed.Recipients,
            Message = parsed.Message,
            SenderId = parsed.SenderId,
            CallbackUrl = parsed.CallbackUrl is null ? null : new Uri(parsed.CallbackUrl),
            CancelWithin = TimeSpan.FromSeconds(parsed.CancelWithinSeconds),
            Segments = parsed.Segments.Segments,
            Encoding = parsed.Segments.Encoding,
            Occurrences = parsed.SendingType == SendingTypes.Immediate ? [result.FirstSendAt!.Value] : [.. parsed.OccurrencesAt.Select(DateTimeOffset.FromUnixTimeMilliseconds)],
            TotalMessages = result.TotalMessages,
            TotalCost = result.TotalCost,
            Currency = result.Currency,
            IdempotencyKey = idempotency?.Key,
            AcceptedAt = now,
            RequestBody = Encoding.UTF8.GetString(rawBody),
        };
        var record = new MockSendRecord(_sends.Count + 1, send, parsed, _unitPriceMicros, now.ToUnixTimeMilliseconds(), _delays);
        _sends.Add(record);
        _byId[messageId] = record;
        Remember(idempotency, 201, response);
        return (201, response);
    }

    private BalanceResult BalanceResult()
    {
        var account = Account();
        return new BalanceResult
        {
            Balance = Money.ToDecimal(account.BalanceMicros),
            Reserved = Money.ToDecimal(account.ReservedMicros),
            UnitPrice = Money.ToDecimal(account.UnitPriceMicros),
            Currency = account.Currency,
            Environment = account.Environment,
        };
    }

    private byte[] Calculate(Func<string, string?> header, byte[] rawBody, string requestId)
    {
        var body = JsonBody(header, rawBody);
        using var doc = SendParser.ParseDocument(body);
        var result = Quotes.Calculate(doc.RootElement, Context(), Account());
        return Envelope.Success(200, result, ServerJsonContext.Default.CalculateResult, requestId);
    }

    private byte[] Health(string requestId)
    {
        var checks = new Dictionary<string, HealthCheck>(StringComparer.Ordinal)
        {
            ["store"] = new() { Status = "healthy", Description = "mock: in memory" },
            ["carrier:sandbox"] = new() { Status = "healthy", Description = "Deterministic sandbox carrier for test keys." },
            ["carrier"] = new() { Status = "healthy", Description = "sandbox ready" },
        };
        var result = new HealthResult { Status = "healthy", Version = LisolooDiagnostics.Version, Time = _time.GetUtcNow(), Checks = checks };
        return Envelope.Success(200, result, ServerJsonContext.Default.HealthResult, requestId);
    }

    private (int Status, byte[] Body) Act(string action, string messageId, Func<string, string?> header, string requestId, Dictionary<string, string> headers)
    {
        var idempotency = Idempotency(header, Encoding.UTF8.GetBytes(action + " " + messageId));
        if (Replay(idempotency, headers) is { } replay)
        {
            return replay;
        }

        var send = Find(messageId);
        var now = Now;
        var outcome = action switch
        {
            "cancel" => send.Cancel(now),
            "pause" => send.Pause(now),
            _ => send.Resume(now),
        };
        var response = Envelope.Success(200, Quotes.Action(messageId, outcome), ServerJsonContext.Default.MessageActionResult, requestId);
        Remember(idempotency, 200, response);
        return (200, response);
    }
}
