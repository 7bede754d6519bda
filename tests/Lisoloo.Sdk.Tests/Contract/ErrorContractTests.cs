namespace Lisoloo.Sdk.Tests.Contract;

/// <summary>Each error family of the contract surfaces as one typed <see cref="LisolooApiException"/>.</summary>
[Category("Contract")]
public sealed class ErrorContractTests : ContractTestBase
{
    [Test]
    public async Task SendAsync_400Validation_ExposesEveryFieldError()
    {
        using var client = CreateClient();

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.SendAsync(
            new SendRequest(["+243998857000", "12345"], "Contract: a request with two bad fields") { SenderId = "THIS-SENDER-IS-TOO-LONG" }));

        var sent = SingleRequest();
        Assert.Multiple(() =>
        {
            AssertApiError(ex!, 400, LisolooErrorCodes.InvalidRecipient, "req_contract_400", transient: false, attempts: 1);
            Assert.That(ex!.ErrorMessage, Does.StartWith("Recipient to[1] is not a valid E.164 number."));
            Assert.That(ex.FieldErrors.Select(e => (e.Field, e.ErrorCode)), Is.EqualTo(new[]
            {
                ("to[1]", LisolooErrorCodes.InvalidRecipient),
                ("sender_id", LisolooErrorCodes.InvalidSenderId),
            }));
            Assert.That(ex.Message, Does.Contain("to[1]").And.Contain("sender_id"));
        });
        AssertServedBy([sent], "send", "validation");
        AssertSdkHeaders(sent);
    }

    [Test]
    public async Task GetBalanceAsync_401RevokedKey_IsNotTransientAndNeverShowsTheKey()
    {
        using var client = CreateClient(o => o.ApiKey = RevokedKey);

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.GetBalanceAsync());

        var sent = SingleRequest();
        Assert.Multiple(() =>
        {
            AssertApiError(ex!, 401, LisolooErrorCodes.InvalidApiKey, "req_contract_401", transient: false, attempts: 1);
            Assert.That(ex!.ToString(), Does.Not.Contain(RevokedKey));
        });
        AssertServedBy([sent], "balance", "authentication");
        AssertSdkHeaders(sent, RevokedKey);
    }

    [Test]
    public async Task SendAsync_402InsufficientBalance_ExposesRequiredAndAvailableAmounts()
    {
        using var client = CreateClient();

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.SendAsync(
            ["+243998857000", "+243810000001", "+243820000002"], "Contract: more than the balance covers"));

        var sent = SingleRequest();
        Assert.Multiple(() =>
        {
            AssertApiError(ex!, 402, LisolooErrorCodes.InsufficientBalance, "req_contract_402", transient: false, attempts: 1);
            Assert.That(ex!.RequiredAmount, Is.EqualTo(0.06m));
            Assert.That(ex.AvailableAmount, Is.EqualTo(0.05m));
        });
        AssertServedBy([sent], "send", "insufficient-balance");
    }

    [Test]
    public async Task GetStatusAsync_404UnknownMessage_IsNotRetried()
    {
        using var client = CreateClient();

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.GetStatusAsync("ffffffffffffffffffffffff"));

        var sent = SingleRequest();
        AssertApiError(ex!, 404, LisolooErrorCodes.MessageNotFound, "req_contract_404", transient: false, attempts: 1);
        AssertServedBy([sent], "status", "not-found");
    }

    [Test]
    public async Task CancelAsync_409AlreadyAtTheCarrier_IsCannotCancel()
    {
        using var client = CreateClient();

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.CancelAsync("6650a1b2c3d4e5f601234567"));

        var sent = SingleRequest();
        AssertApiError(ex!, 409, LisolooErrorCodes.CannotCancel, "req_contract_409_cancel", transient: false, attempts: 1);
        AssertServedBy([sent], "cancel", "conflict");
    }

    [Test]
    public async Task SendAsync_409IdempotencyKeyReused_SendsTheCallersKey()
    {
        using var client = CreateClient();

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.SendAsync(
            new SendRequest(["+243998857000"], "Contract: another body under a used key") { IdempotencyKey = "contract-reused-key-0001" }));

        var sent = SingleRequest();
        Assert.Multiple(() =>
        {
            AssertApiError(ex!, 409, LisolooErrorCodes.IdempotencyKeyReused, "req_contract_409_idempotency", transient: false, attempts: 1);
            Assert.That(sent.Header("Idempotency-Key"), Is.EqualTo("contract-reused-key-0001"));
        });
        AssertServedBy([sent], "send", "conflict");
    }

    [Test]
    public async Task SendAsync_422DestinationNotCovered_NamesTheRecipient()
    {
        using var client = CreateClient();

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.SendAsync(["+88234567890"], "Contract: a destination without a route"));

        var sent = SingleRequest();
        Assert.Multiple(() =>
        {
            AssertApiError(ex!, 422, LisolooErrorCodes.DestinationNotCovered, "req_contract_422", transient: false, attempts: 1);
            Assert.That(ex!.FieldErrors, Has.Count.EqualTo(1));
            Assert.That(ex.FieldErrors[0], Is.EqualTo(new LisolooFieldError { Field = "to[0]", ErrorCode = 1503, Message = "No carrier route covers +88234567890." }));
        });
        AssertServedBy([sent], "send", "unprocessable");
    }

    [Test]
    public async Task SendAsync_429RetryAfterBeyondPatience_IsNotWaitedForAndExposesRetryAfter()
    {
        using var client = CreateClient();

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.SendAsync(["+243998857000"], "Contract: one send too many this minute"));

        var sent = SingleRequest();
        Assert.Multiple(() =>
        {
            AssertApiError(ex!, 429, LisolooErrorCodes.RateLimitExceeded, "req_contract_429", transient: true, attempts: 1);
            Assert.That(ex!.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(ex!.RateLimit, Is.EqualTo(new RateLimitInfo(60, 0, 30)), "the X-RateLimit-* headers of the 429");
        });
        AssertServedBy([sent], "send", "rate-limit");
    }

    [Test]
    public async Task SendAsync_500OnEveryAttempt_RetriesWithOneIdempotencyKeyThenThrows()
    {
        using var client = CreateClient(o => o.Resilience.MaxRetryAttempts = 2);

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.SendAsync(["+243998857000"], "Contract: the server fails every time"));

        var sent = Requests();
        AssertApiError(ex!, 500, LisolooErrorCodes.InternalError, "req_contract_500", transient: true, attempts: 3);
        Assert.That(sent, Has.Count.EqualTo(3));
        AssertServedBy(sent, "send", "server-error");
        AssertOneIdempotencyKey(sent);
    }

    [Test]
    public async Task SendAsync_503CarrierUnavailableOnEveryAttempt_RetriesWithOneIdempotencyKeyThenThrows()
    {
        using var client = CreateClient();

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.SendAsync(["+243998857000"], "Contract: no carrier route right now"));

        var sent = Requests();
        AssertApiError(ex!, 503, LisolooErrorCodes.CarrierUnavailable, "req_contract_503", transient: true, attempts: 4);
        Assert.That(sent, Has.Count.EqualTo(4));
        AssertServedBy(sent, "send", "unavailable");
        AssertOneIdempotencyKey(sent);
    }

    private static void AssertApiError(LisolooApiException ex, int status, int errorCode, string requestId, bool transient, int attempts)
    {
        Assert.That(ex, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(LisolooFailureKind.ApiError));
            Assert.That(ex.Status, Is.EqualTo(status));
            Assert.That(ex.ErrorCode, Is.EqualTo(errorCode));
            Assert.That(ex.ErrorMessage, Is.Not.Empty);
            Assert.That(ex.RequestId, Is.EqualTo(requestId));
            Assert.That(ex.IsTransient, Is.EqualTo(transient));
            Assert.That(ex.Attempts, Is.EqualTo(attempts));
            Assert.That(ex.Message, Does.Contain(LisolooErrorCodes.GetName(errorCode)));
        });
    }

    private static void AssertOneIdempotencyKey(IReadOnlyList<WireMockRequest> sent)
    {
        AssertGeneratedIdempotencyKey(sent[0]);
        Assert.Multiple(() =>
        {
            Assert.That(sent.Select(r => r.Header("Idempotency-Key")).Distinct().Count(), Is.EqualTo(1), "one Idempotency-Key across every attempt");
            Assert.That(sent.Select(r => r.Body).Distinct().Count(), Is.EqualTo(1), "the same body on every attempt");
        });
    }
}
