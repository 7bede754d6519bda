namespace Lisoloo.Sdk.Webhooks;

/// <summary>The signature scheme that authenticated a delivery.</summary>
public enum WebhookSignatureScheme
{
    /// <summary>No scheme verified the delivery.</summary>
    None = 0,

    /// <summary><c>X-Lisoloo-Timestamp</c> and <c>X-Lisoloo-Signature: v1=&lt;hex&gt;</c>.</summary>
    Lisoloo = 1,

    /// <summary>Standard Webhooks: <c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature: v1,&lt;base64&gt;</c>.</summary>
    StandardWebhooks = 2,
}

/// <summary>Why a delivery was refused.</summary>
public enum WebhookVerificationFailure
{
    /// <summary>The delivery was accepted.</summary>
    None = 0,

    /// <summary>Neither scheme's signature header is present.</summary>
    MissingSignature = 1,

    /// <summary>A signature header is present but it, its timestamp or its id cannot be read.</summary>
    MalformedHeader = 2,

    /// <summary>No signature matches any configured secret (wrong secret, or the body, id or timestamp was altered).</summary>
    InvalidSignature = 3,

    /// <summary>The signature matches but its timestamp is older than the tolerance (a possible replay).</summary>
    TimestampTooOld = 4,

    /// <summary>The signature matches but its timestamp is further ahead than the tolerance.</summary>
    TimestampInFuture = 5,

    /// <summary>Basic credentials are configured and the <c>Authorization</c> header is missing or wrong.</summary>
    BadCredentials = 6,
}

/// <summary>The outcome of <see cref="WebhookVerifier.Verify(Func{string, string?}, ReadOnlySpan{byte})"/>.</summary>
public sealed record WebhookVerificationResult
{
    private WebhookVerificationResult(WebhookSignatureScheme scheme, WebhookVerificationFailure failure)
    {
        Scheme = scheme;
        FailureReason = failure;
    }

    /// <summary>Gets a value indicating whether the delivery is authentic and fresh.</summary>
    public bool IsValid => FailureReason == WebhookVerificationFailure.None;

    /// <summary>Gets the scheme that verified the delivery, or <see cref="WebhookSignatureScheme.None"/> when refused.</summary>
    public WebhookSignatureScheme Scheme { get; }

    /// <summary>Gets why the delivery was refused, or <see cref="WebhookVerificationFailure.None"/> when valid.</summary>
    public WebhookVerificationFailure FailureReason { get; }

    internal static WebhookVerificationResult Success(WebhookSignatureScheme scheme) => new(scheme, WebhookVerificationFailure.None);

    internal static WebhookVerificationResult Failure(WebhookVerificationFailure failure) => new(WebhookSignatureScheme.None, failure);
}

/// <summary>Thrown by <see cref="WebhookVerifier.VerifyAndParse(Func{string, string?}, ReadOnlySpan{byte})"/> when a delivery is not authentic or not fresh.</summary>
public sealed class WebhookVerificationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebhookVerificationException()
        : this(WebhookVerificationFailure.InvalidSignature)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public WebhookVerificationException(string message)
        : base(message)
    {
        FailureReason = WebhookVerificationFailure.InvalidSignature;
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public WebhookVerificationException(string message, Exception? innerException)
        : base(message, innerException)
    {
        FailureReason = WebhookVerificationFailure.InvalidSignature;
    }

    /// <summary>Creates the exception for a failure reason.</summary>
    /// <param name="failureReason">Why the delivery was refused.</param>
    public WebhookVerificationException(WebhookVerificationFailure failureReason)
        : base($"The webhook delivery was refused: {failureReason}.")
    {
        FailureReason = failureReason;
    }

    /// <summary>Gets why the delivery was refused.</summary>
    public WebhookVerificationFailure FailureReason { get; }
}

/// <summary>Options of a <see cref="WebhookVerifier"/>.</summary>
public sealed class WebhookVerifierOptions
{
    /// <summary>The default tolerance between the signing time and now, both ways: five minutes.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>Gets the accepted secrets (<c>whsec_...</c>); during a rotation, both the old and the new one. At least one is required.</summary>
    public IList<string> Secrets { get; } = new List<string>();

    /// <summary>Gets or sets how far the signing time may be from now, in either direction. Default five minutes.</summary>
    public TimeSpan Tolerance { get; set; } = DefaultTolerance;

    /// <summary>Gets or sets the clock; <see cref="TimeProvider.System"/> by default.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets the expected Basic user name. When set (with <see cref="BasicPassword"/>), deliveries must carry matching <c>Authorization: Basic</c> credentials.</summary>
    public string? BasicUsername { get; set; }

    /// <summary>Gets or sets the expected Basic password.</summary>
    public string? BasicPassword { get; set; }
}
