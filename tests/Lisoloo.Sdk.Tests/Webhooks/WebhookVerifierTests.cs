using System.Text;
using Lisoloo.Sdk.Webhooks;
using Microsoft.Extensions.Time.Testing;

namespace Lisoloo.Sdk.Tests.Webhooks;

public sealed class WebhookVerifierTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string OtherSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    private const string EventId = "evt_2Zkq1d5rJb7Y";
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 9, 26, 53, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"id":"evt_2Zkq1d5rJb7Y","type":"sms.delivered","created_at":"2025-03-14T09:26:50Z","data":{"message_id":"msg_1","to":"+243810000001","status":"delivered","previous_status":"sent","segments":1}}""");

    private FakeTimeProvider _time = null!;

    [SetUp]
    public void SetUp() => _time = new FakeTimeProvider(Now);

    private WebhookVerifier Verifier(params string[] secrets) => new(secrets, _time);

    private static Dictionary<string, string> Signed(string secret, byte[] body, DateTimeOffset at, params string[] keep)
        => Signed([secret], body, at, keep);

    private static Dictionary<string, string> Signed(string[] secrets, byte[] body, DateTimeOffset at, params string[] keep)
    {
        var headers = WebhookSigner.Sign(secrets, EventId, body, at);
        return headers
            .Where(pair => keep.Length == 0 || keep.Contains(pair.Key, StringComparer.OrdinalIgnoreCase))
            .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.OrdinalIgnoreCase);
    }

    private static readonly string[] LisolooOnly = [WebhookHeaderNames.LisolooTimestamp, WebhookHeaderNames.LisolooSignature];
    private static readonly string[] StandardOnly = [WebhookHeaderNames.WebhookId, WebhookHeaderNames.WebhookTimestamp, WebhookHeaderNames.WebhookSignature];

    [Test]
    public void Sign_OneSecret_ProducesBothSchemesHeaders()
    {
        var headers = WebhookSigner.Sign(Secret, EventId, Body, Now);

        Assert.Multiple(() =>
        {
            Assert.That(headers[WebhookHeaderNames.LisolooTimestamp], Is.EqualTo(Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(headers[WebhookHeaderNames.LisolooSignature], Does.Match("^v1=[0-9a-f]{64}$"));
            Assert.That(headers[WebhookHeaderNames.WebhookId], Is.EqualTo(EventId));
            Assert.That(headers[WebhookHeaderNames.WebhookTimestamp], Is.EqualTo(headers[WebhookHeaderNames.LisolooTimestamp]));
            Assert.That(headers[WebhookHeaderNames.WebhookSignature], Does.Match("^v1,[A-Za-z0-9+/]{43}=$"));
            Assert.That(headers["X-LISOLOO-SIGNATURE"], Is.Not.Empty, "lookup is case-insensitive");
        });
    }

    [Test]
    public void ComputeStandardSignature_PublishedTestVector_MatchesExpected()
    {
        // The Standard Webhooks reference test vector (standard-webhooks libraries and Svix test suites).
        var signature = WebhookSigner.ComputeStandardSignature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, Encoding.UTF8.GetBytes("""{"test": 2432232314}"""));

        Assert.That(signature, Is.EqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
    }

    [Test]
    public void Verify_PublishedTestVectorAtItsTime_IsValidStandardWebhooks()
    {
        _time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1614265330));
        var headers = new Dictionary<string, string>
        {
            ["webhook-id"] = "msg_p5jXN8AQM9LWM0D4loKWxJek",
            ["webhook-timestamp"] = "1614265330",
            ["webhook-signature"] = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        };

        var result = Verifier(Secret).Verify(headers, Encoding.UTF8.GetBytes("""{"test": 2432232314}"""));

        Assert.That(result.IsValid, Is.True);
        Assert.That(result.Scheme, Is.EqualTo(WebhookSignatureScheme.StandardWebhooks));
    }

    [Test]
    public void ComputeLisolooSignature_KnownInput_IsLowercaseHexHmacOfTimestampDotBody()
    {
        // Independently computed: HMAC-SHA256(key = UTF-8 of the whole secret, "1614265330.{"test": 2432232314}").
        var signature = WebhookSigner.ComputeLisolooSignature(Secret, 1614265330, Encoding.UTF8.GetBytes("""{"test": 2432232314}"""));

        using var hmac = new System.Security.Cryptography.HMACSHA256(Encoding.UTF8.GetBytes(Secret));
        var expected = Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes("""1614265330.{"test": 2432232314}""")));
        Assert.That(signature, Is.EqualTo("v1=" + expected));
    }

    [Test]
    public void Verify_LisolooSchemeOnly_IsValid()
    {
        var result = Verifier(Secret).Verify(Signed(Secret, Body, Now, LisolooOnly), Body);

        Assert.That(result.IsValid, Is.True);
        Assert.That(result.Scheme, Is.EqualTo(WebhookSignatureScheme.Lisoloo));
        Assert.That(result.FailureReason, Is.EqualTo(WebhookVerificationFailure.None));
    }

    [Test]
    public void Verify_StandardSchemeOnly_IsValid()
    {
        var result = Verifier(Secret).Verify(Signed(Secret, Body, Now, StandardOnly), Body);

        Assert.That(result.IsValid, Is.True);
        Assert.That(result.Scheme, Is.EqualTo(WebhookSignatureScheme.StandardWebhooks));
    }

    [Test]
    public void Verify_BothSchemesOneTampered_EitherValidIsEnough()
    {
        var headers = Signed(Secret, Body, Now);
        headers[WebhookHeaderNames.LisolooSignature] = "v1=" + new string('0', 64);

        var result = Verifier(Secret).Verify(headers, Body);

        Assert.That(result.IsValid, Is.True);
        Assert.That(result.Scheme, Is.EqualTo(WebhookSignatureScheme.StandardWebhooks));
    }

    [Test]
    public void Verify_HeaderLookupFunction_IsValid()
    {
        var headers = Signed(Secret, Body, Now);

        var result = Verifier(Secret).Verify(name => headers.TryGetValue(name, out var v) ? v : null, Body);

        Assert.That(result.IsValid, Is.True);
    }

    [Test]
    public void Verify_CaseSensitiveDictionaryWithOtherCasing_StillFindsHeaders()
    {
        var headers = Signed(Secret, Body, Now, LisolooOnly)
            .ToDictionary(pair => pair.Key.ToUpperInvariant(), pair => pair.Value, StringComparer.Ordinal);

        Assert.That(Verifier(Secret).Verify(headers, Body).IsValid, Is.True);
    }

    [TestCase("lisoloo")]
    [TestCase("standard")]
    public void Verify_TamperedBody_IsInvalidSignature(string scheme)
    {
        var headers = Signed(Secret, Body, Now, scheme == "lisoloo" ? LisolooOnly : StandardOnly);
        var tampered = (byte[])Body.Clone();
        tampered[^3] = (byte)'2';

        var result = Verifier(Secret).Verify(headers, tampered);

        Assert.That(result.IsValid, Is.False);
        Assert.That(result.FailureReason, Is.EqualTo(WebhookVerificationFailure.InvalidSignature));
        Assert.That(result.Scheme, Is.EqualTo(WebhookSignatureScheme.None));
    }

    [Test]
    public void Verify_TamperedLisolooSignature_IsInvalidSignature()
    {
        var headers = Signed(Secret, Body, Now, LisolooOnly);
        var signature = headers[WebhookHeaderNames.LisolooSignature];
        headers[WebhookHeaderNames.LisolooSignature] = signature[..^1] + (signature[^1] == 'a' ? 'b' : 'a');

        Assert.That(Verifier(Secret).Verify(headers, Body).FailureReason, Is.EqualTo(WebhookVerificationFailure.InvalidSignature));
    }

    [Test]
    public void Verify_TamperedStandardSignature_IsInvalidSignature()
    {
        var headers = Signed(Secret, Body, Now, StandardOnly);
        var signature = headers[WebhookHeaderNames.WebhookSignature];
        headers[WebhookHeaderNames.WebhookSignature] = "v1," + (signature[3] == 'A' ? 'B' : 'A') + signature[4..];

        Assert.That(Verifier(Secret).Verify(headers, Body).FailureReason, Is.EqualTo(WebhookVerificationFailure.InvalidSignature));
    }

    [Test]
    public void Verify_TamperedWebhookId_IsInvalidSignature()
    {
        var headers = Signed(Secret, Body, Now, StandardOnly);
        headers[WebhookHeaderNames.WebhookId] = "evt_other";

        Assert.That(Verifier(Secret).Verify(headers, Body).FailureReason, Is.EqualTo(WebhookVerificationFailure.InvalidSignature));
    }

    [Test]
    public void Verify_TimestampHeaderChangedAfterSigning_IsInvalidSignature()
    {
        var headers = Signed(Secret, Body, Now, LisolooOnly);
        headers[WebhookHeaderNames.LisolooTimestamp] = (Now.ToUnixTimeSeconds() + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.That(Verifier(Secret).Verify(headers, Body).FailureReason, Is.EqualTo(WebhookVerificationFailure.InvalidSignature));
    }

    [Test]
    public void Verify_WrongSecret_IsInvalidSignature()
    {
        var result = Verifier(OtherSecret).Verify(Signed(Secret, Body, Now), Body);

        Assert.That(result.FailureReason, Is.EqualTo(WebhookVerificationFailure.InvalidSignature));
    }

    [TestCase("lisoloo")]
    [TestCase("standard")]
    public void Verify_SignedMoreThanToleranceAgo_IsTimestampTooOld(string scheme)
    {
        var headers = Signed(Secret, Body, Now - TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1), scheme == "lisoloo" ? LisolooOnly : StandardOnly);

        Assert.That(Verifier(Secret).Verify(headers, Body).FailureReason, Is.EqualTo(WebhookVerificationFailure.TimestampTooOld));
    }

    [TestCase("lisoloo")]
    [TestCase("standard")]
    public void Verify_SignedMoreThanToleranceAhead_IsTimestampInFuture(string scheme)
    {
        var headers = Signed(Secret, Body, Now + TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1), scheme == "lisoloo" ? LisolooOnly : StandardOnly);

        Assert.That(Verifier(Secret).Verify(headers, Body).FailureReason, Is.EqualTo(WebhookVerificationFailure.TimestampInFuture));
    }

    [Test]
    public void Verify_ClockAdvancesPastTolerance_IsTimestampTooOld()
    {
        var headers = Signed(Secret, Body, Now);
        var verifier = Verifier(Secret);
        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromMilliseconds(1));

        Assert.That(verifier.Verify(headers, Body).FailureReason, Is.EqualTo(WebhookVerificationFailure.TimestampTooOld));
    }

    [TestCase(-300)]
    [TestCase(300)]
    public void Verify_ExactlyAtTolerance_IsValid(int offsetSeconds)
    {
        var headers = Signed(Secret, Body, Now + TimeSpan.FromSeconds(offsetSeconds));

        Assert.That(Verifier(Secret).Verify(headers, Body).IsValid, Is.True);
    }

    [Test]
    public void Verify_CustomTolerance_IsHonoured()
    {
        var options = new WebhookVerifierOptions { Tolerance = TimeSpan.FromSeconds(30), TimeProvider = _time };
        options.Secrets.Add(Secret);
        var headers = Signed(Secret, Body, Now - TimeSpan.FromSeconds(31));

        Assert.That(new WebhookVerifier(options).Verify(headers, Body).FailureReason, Is.EqualTo(WebhookVerificationFailure.TimestampTooOld));
    }

    [TestCase(Secret)]
    [TestCase(OtherSecret)]
    public void Verify_RotationHeaderWithTwoSignatures_VerifierWithEitherSecretAccepts(string verifierSecret)
    {
        var headers = Signed([Secret, OtherSecret], Body, Now, LisolooOnly);
        Assert.That(headers[WebhookHeaderNames.LisolooSignature].Split(','), Has.Length.EqualTo(2));

        Assert.That(Verifier(verifierSecret).Verify(headers, Body).IsValid, Is.True);
    }

    [TestCase(Secret)]
    [TestCase(OtherSecret)]
    public void Verify_RotationStandardHeaderWithTwoSignatures_VerifierWithEitherSecretAccepts(string verifierSecret)
    {
        var headers = Signed([Secret, OtherSecret], Body, Now, StandardOnly);
        Assert.That(headers[WebhookHeaderNames.WebhookSignature].Split(' '), Has.Length.EqualTo(2));

        Assert.That(Verifier(verifierSecret).Verify(headers, Body).IsValid, Is.True);
    }

    [TestCase(Secret)]
    [TestCase(OtherSecret)]
    public void Verify_VerifierWithOldAndNewSecrets_AcceptsDeliverySignedWithEither(string signingSecret)
    {
        var headers = Signed(signingSecret, Body, Now);

        Assert.That(Verifier(Secret, OtherSecret).Verify(headers, Body).IsValid, Is.True);
    }

    [Test]
    public void Verify_NoSignatureHeaders_IsMissingSignature()
    {
        var result = Verifier(Secret).Verify(new Dictionary<string, string>(), Body);

        Assert.That(result.FailureReason, Is.EqualTo(WebhookVerificationFailure.MissingSignature));
    }

    [TestCase("X-Lisoloo-Timestamp", "not-a-number")]
    [TestCase("X-Lisoloo-Timestamp", "-5")]
    [TestCase("X-Lisoloo-Signature", "v2=abc")]
    [TestCase("X-Lisoloo-Signature", "v1=zz")]
    [TestCase("X-Lisoloo-Signature", "")]
    public void Verify_MalformedLisolooHeader_IsMalformedHeader(string header, string value)
    {
        var headers = Signed(Secret, Body, Now, LisolooOnly);
        headers[header] = value;

        Assert.That(Verifier(Secret).Verify(headers, Body).FailureReason, Is.EqualTo(WebhookVerificationFailure.MalformedHeader));
    }

    [TestCase("webhook-timestamp", "1.5")]
    [TestCase("webhook-id", "")]
    [TestCase("webhook-signature", "v1,not base64!")]
    [TestCase("webhook-signature", "v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    public void Verify_MalformedStandardHeader_IsMalformedHeader(string header, string value)
    {
        var headers = Signed(Secret, Body, Now, StandardOnly);
        headers[header] = value;

        Assert.That(Verifier(Secret).Verify(headers, Body).FailureReason, Is.EqualTo(WebhookVerificationFailure.MalformedHeader));
    }

    [Test]
    public void Verify_LisolooMalformedAndStandardTampered_ReportsTheMoreSpecificFailure()
    {
        var headers = Signed(Secret, Body, Now);
        headers[WebhookHeaderNames.LisolooTimestamp] = "x";
        headers[WebhookHeaderNames.WebhookId] = "evt_other";

        Assert.That(Verifier(Secret).Verify(headers, Body).FailureReason, Is.EqualTo(WebhookVerificationFailure.InvalidSignature));
    }

    private WebhookVerifier BasicVerifier()
    {
        var options = new WebhookVerifierOptions { TimeProvider = _time, BasicUsername = "lisoloo", BasicPassword = "s3cret:with-colon" };
        options.Secrets.Add(Secret);
        return new WebhookVerifier(options);
    }

    private static string Basic(string credentials) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));

    [Test]
    public void Verify_RightBasicCredentials_IsValid()
    {
        var headers = Signed(Secret, Body, Now);
        headers["Authorization"] = Basic("lisoloo:s3cret:with-colon");

        Assert.That(BasicVerifier().Verify(headers, Body).IsValid, Is.True);
    }

    [TestCase("lisoloo:wrong")]
    [TestCase("other:s3cret:with-colon")]
    [TestCase("lisoloo:s3cret:with-colonX")]
    [TestCase("")]
    public void Verify_WrongBasicCredentials_IsBadCredentials(string credentials)
    {
        var headers = Signed(Secret, Body, Now);
        headers["Authorization"] = Basic(credentials);

        Assert.That(BasicVerifier().Verify(headers, Body).FailureReason, Is.EqualTo(WebhookVerificationFailure.BadCredentials));
    }

    [TestCase(null)]
    [TestCase("Bearer abc")]
    [TestCase("Basic !!!not-base64")]
    public void Verify_MissingOrMalformedAuthorization_IsBadCredentials(string? authorization)
    {
        var headers = Signed(Secret, Body, Now);
        if (authorization is not null)
        {
            headers["Authorization"] = authorization;
        }

        Assert.That(BasicVerifier().Verify(headers, Body).FailureReason, Is.EqualTo(WebhookVerificationFailure.BadCredentials));
    }

    [Test]
    public void VerifyAndParse_ValidDelivery_ReturnsEvent()
    {
        var evt = Verifier(Secret).VerifyAndParse(Signed(Secret, Body, Now), Body);

        Assert.That(evt.Id, Is.EqualTo(EventId));
        Assert.That(evt.Type, Is.EqualTo(WebhookEventType.SmsDelivered));
    }

    [Test]
    public void VerifyAndParse_StaleDelivery_ThrowsWithReason()
    {
        var headers = Signed(Secret, Body, Now - TimeSpan.FromHours(1));

        var ex = Assert.Throws<WebhookVerificationException>(() => Verifier(Secret).VerifyAndParse(headers, Body));
        Assert.That(ex.FailureReason, Is.EqualTo(WebhookVerificationFailure.TimestampTooOld));
    }

    [Test]
    public void VerifyAndParse_AuthenticButMalformedBody_ThrowsWebhookFormatException()
    {
        var body = Encoding.UTF8.GetBytes("""{"type":"sms.sent"}""");

        Assert.Throws<WebhookFormatException>(() => Verifier(Secret).VerifyAndParse(Signed(Secret, body, Now), body));
    }

    [Test]
    public void Constructor_NoSecrets_Throws()
        => Assert.Throws<ArgumentException>(() => _ = new WebhookVerifier(Array.Empty<string>()));

    [TestCase("not-a-secret")]
    [TestCase("whsec_")]
    [TestCase("whsec_***")]
    public void Constructor_MalformedSecret_Throws(string secret)
        => Assert.Throws<ArgumentException>(() => _ = new WebhookVerifier([secret]));

    [Test]
    public void Constructor_OnlyBasicUsername_Throws()
    {
        var options = new WebhookVerifierOptions { BasicUsername = "user" };
        options.Secrets.Add(Secret);

        Assert.Throws<ArgumentException>(() => _ = new WebhookVerifier(options));
    }

    [Test]
    public void Generate_Default_IsValidSecretOf32RandomBytes()
    {
        var first = WebhookSecret.Generate();
        var second = WebhookSecret.Generate();

        Assert.Multiple(() =>
        {
            Assert.That(first, Does.StartWith("whsec_"));
            Assert.That(Convert.FromBase64String(first["whsec_".Length..]), Has.Length.EqualTo(32));
            Assert.That(WebhookSecret.IsValid(first), Is.True);
            Assert.That(second, Is.Not.EqualTo(first));
        });
    }

    [Test]
    public void Sign_GeneratedSecret_RoundTripsThroughVerifier()
    {
        var secret = WebhookSecret.Generate();

        Assert.That(Verifier(secret).Verify(Signed(secret, Body, Now), Body).IsValid, Is.True);
    }
}
