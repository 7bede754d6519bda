using System.Text;

namespace Lisoloo.Sdk.Webhooks;

/// <summary>
/// Verifies signed webhook deliveries on their raw body bytes, with either scheme:
/// the Lisoloo headers (<c>X-Lisoloo-Timestamp</c>, <c>X-Lisoloo-Signature</c>) or the Standard Webhooks headers
/// (<c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c>).
/// </summary>
/// <remarks>
/// <para>Whichever scheme's headers are present is checked. When both are present, a valid signature in either
/// scheme is enough: each is an HMAC with the same secret over the same raw body, so one valid signature proves
/// the body authentic. When both fail, the most specific reason is reported.</para>
/// <para>Several secrets may be configured (secret rotation); the delivery may carry several signatures; one match
/// between any secret and any signature is enough. All comparisons are constant-time. A matching signature is then
/// checked for freshness: its timestamp must be within <see cref="WebhookVerifierOptions.Tolerance"/> of the clock,
/// in either direction, bounds included.</para>
/// <para>An instance is immutable and thread-safe; create it once and reuse it.</para>
/// </remarks>
public sealed class WebhookVerifier
{
    private readonly Keys[] _keys;
    private readonly long _toleranceMilliseconds;
    private readonly TimeProvider _timeProvider;
    private readonly byte[]? _expectedCredentials;

    /// <summary>Creates a verifier.</summary>
    /// <param name="options">The secrets, tolerance, clock and optional Basic credentials.</param>
    /// <exception cref="ArgumentException">No secrets, a malformed secret, a non-positive tolerance, or only one of the Basic user name and password.</exception>
    public WebhookVerifier(WebhookVerifierOptions options)
    {
        Guard.NotNull(options);
        if (options.Secrets.Count == 0)
        {
            throw new ArgumentException("At least one webhook secret is required.", nameof(options));
        }

        _keys = options.Secrets
            .Select(secret =>
            {
                if (secret is null || !WebhookSecret.TryGetStandardKey(secret, out var standardKey))
                {
                    throw new ArgumentException("Every webhook secret must have the form whsec_<base64>.", nameof(options));
                }

                return new Keys(WebhookSecret.GetLisolooKey(secret), standardKey);
            })
            .ToArray();

        if (options.Tolerance <= TimeSpan.Zero)
        {
            throw new ArgumentException("The tolerance must be positive.", nameof(options));
        }

        _toleranceMilliseconds = (long)options.Tolerance.TotalMilliseconds;
        _timeProvider = options.TimeProvider ?? TimeProvider.System;

        var hasUser = !string.IsNullOrEmpty(options.BasicUsername);
        var hasPassword = options.BasicPassword is not null;
        if (hasUser != hasPassword)
        {
            throw new ArgumentException("Set both the Basic user name and password, or neither.", nameof(options));
        }

        if (hasUser)
        {
            _expectedCredentials = Encoding.UTF8.GetBytes(options.BasicUsername + ":" + options.BasicPassword);
        }
    }

    /// <summary>Creates a verifier with the default tolerance, the given secrets and an optional clock.</summary>
    /// <param name="secrets">The accepted secrets (<c>whsec_...</c>).</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public WebhookVerifier(IEnumerable<string> secrets, TimeProvider? timeProvider = null)
        : this(CreateOptions(secrets, timeProvider))
    {
    }

    /// <summary>Verifies a delivery.</summary>
    /// <param name="getHeader">Looks up a request header by name (case-insensitively), returning <see langword="null"/> when absent.</param>
    /// <param name="body">The raw body bytes, exactly as received.</param>
    /// <returns>Whether the delivery is valid, which scheme verified it, or why it was refused.</returns>
    public WebhookVerificationResult Verify(Func<string, string?> getHeader, ReadOnlySpan<byte> body)
    {
        Guard.NotNull(getHeader);
        if (_expectedCredentials is not null && !CredentialsMatch(getHeader(WebhookHeaderNames.Authorization)))
        {
            return WebhookVerificationResult.Failure(WebhookVerificationFailure.BadCredentials);
        }

        var lisoloo = VerifyLisoloo(getHeader, body);
        if (lisoloo == WebhookVerificationFailure.None)
        {
            return WebhookVerificationResult.Success(WebhookSignatureScheme.Lisoloo);
        }

        var standard = VerifyStandard(getHeader, body);
        if (standard == WebhookVerificationFailure.None)
        {
            return WebhookVerificationResult.Success(WebhookSignatureScheme.StandardWebhooks);
        }

        // Neither header present: MissingSignature. Otherwise the most specific failure of the two.
        var failure = Rank(lisoloo) >= Rank(standard) ? lisoloo : standard;
        return WebhookVerificationResult.Failure(failure ?? WebhookVerificationFailure.MissingSignature);
    }

    /// <summary>Verifies a delivery.</summary>
    /// <param name="headers">The request headers; names are matched case-insensitively whatever the dictionary's comparer.</param>
    /// <param name="body">The raw body bytes, exactly as received.</param>
    /// <returns>Whether the delivery is valid, which scheme verified it, or why it was refused.</returns>
    public WebhookVerificationResult Verify(IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body)
    {
        Guard.NotNull(headers);
        return Verify(name => Lookup(headers, name), body);
    }

    /// <summary>Verifies a delivery, then parses its body.</summary>
    /// <param name="getHeader">Looks up a request header by name (case-insensitively), returning <see langword="null"/> when absent.</param>
    /// <param name="body">The raw body bytes, exactly as received.</param>
    /// <returns>The verified event.</returns>
    /// <exception cref="WebhookVerificationException">The delivery is not authentic or not fresh.</exception>
    /// <exception cref="WebhookFormatException">The body is authentic but not a well-formed event.</exception>
    public WebhookEvent VerifyAndParse(Func<string, string?> getHeader, ReadOnlySpan<byte> body)
    {
        var result = Verify(getHeader, body);
        if (!result.IsValid)
        {
            throw new WebhookVerificationException(result.FailureReason);
        }

        return WebhookParser.Parse(body);
    }

    /// <summary>Verifies a delivery, then parses its body.</summary>
    /// <param name="headers">The request headers; names are matched case-insensitively.</param>
    /// <param name="body">The raw body bytes, exactly as received.</param>
    /// <returns>The verified event.</returns>
    /// <exception cref="WebhookVerificationException">The delivery is not authentic or not fresh.</exception>
    /// <exception cref="WebhookFormatException">The body is authentic but not a well-formed event.</exception>
    public WebhookEvent VerifyAndParse(IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body)
    {
        Guard.NotNull(headers);
        return VerifyAndParse(name => Lookup(headers, name), body);
    }

    private WebhookVerificationFailure? VerifyLisoloo(Func<string, string?> getHeader, ReadOnlySpan<byte> body)
    {
        var signature = getHeader(WebhookHeaderNames.LisolooSignature);
        if (signature is null)
        {
            return null;
        }

        var timestampText = getHeader(WebhookHeaderNames.LisolooTimestamp)?.Trim();
        if (!WebhookCrypto.TryParseUnixSeconds(timestampText, out var timestamp))
        {
            return WebhookVerificationFailure.MalformedHeader;
        }

        var candidates = new List<byte[]>();
        foreach (var entry in signature.Split(','))
        {
            var trimmed = entry.Trim();
            if (trimmed.StartsWith("v1=", StringComparison.Ordinal)
                && WebhookCrypto.TryDecodeHexSignature(trimmed.Substring(3), out var bytes))
            {
                candidates.Add(bytes);
            }
        }

        if (candidates.Count == 0)
        {
            return WebhookVerificationFailure.MalformedHeader;
        }

        var matched = false;
        foreach (var key in _keys)
        {
            var expected = WebhookCrypto.Hmac(key.Lisoloo, timestampText + ".", body);
            matched |= AnyMatches(expected, candidates);
        }

        return matched ? CheckFreshness(timestamp) : WebhookVerificationFailure.InvalidSignature;
    }

    private WebhookVerificationFailure? VerifyStandard(Func<string, string?> getHeader, ReadOnlySpan<byte> body)
    {
        var signature = getHeader(WebhookHeaderNames.WebhookSignature);
        if (signature is null)
        {
            return null;
        }

        var id = getHeader(WebhookHeaderNames.WebhookId);
        var timestampText = getHeader(WebhookHeaderNames.WebhookTimestamp)?.Trim();
        if (string.IsNullOrEmpty(id) || !WebhookCrypto.TryParseUnixSeconds(timestampText, out var timestamp))
        {
            return WebhookVerificationFailure.MalformedHeader;
        }

        var candidates = new List<byte[]>();
        foreach (var entry in signature.Split(' '))
        {
            if (entry.StartsWith("v1,", StringComparison.Ordinal)
                && WebhookCrypto.TryDecodeBase64Signature(entry.Substring(3), out var bytes))
            {
                candidates.Add(bytes);
            }
        }

        if (candidates.Count == 0)
        {
            return WebhookVerificationFailure.MalformedHeader;
        }

        var matched = false;
        foreach (var key in _keys)
        {
            var expected = WebhookCrypto.Hmac(key.Standard, id + "." + timestampText + ".", body);
            matched |= AnyMatches(expected, candidates);
        }

        return matched ? CheckFreshness(timestamp) : WebhookVerificationFailure.InvalidSignature;
    }

    private WebhookVerificationFailure CheckFreshness(long unixSeconds)
    {
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var age = now - (unixSeconds * 1000);
        if (age > _toleranceMilliseconds)
        {
            return WebhookVerificationFailure.TimestampTooOld;
        }

        return -age > _toleranceMilliseconds ? WebhookVerificationFailure.TimestampInFuture : WebhookVerificationFailure.None;
    }

    private static bool AnyMatches(byte[] expected, List<byte[]> candidates)
    {
        // No early exit: the time spent does not depend on which candidate matched.
        var matched = false;
        foreach (var candidate in candidates)
        {
            matched |= WebhookCrypto.FixedTimeEquals(expected, candidate);
        }

        return matched;
    }

    private bool CredentialsMatch(string? authorization)
    {
        const string BasicPrefix = "Basic ";
        byte[] supplied;
        if (authorization is null || !authorization.StartsWith(BasicPrefix, StringComparison.OrdinalIgnoreCase))
        {
            supplied = [];
        }
        else
        {
            try
            {
                supplied = Convert.FromBase64String(authorization.Substring(BasicPrefix.Length).Trim());
            }
            catch (FormatException)
            {
                supplied = [];
            }
        }

        // Compare digests so that neither the content nor the length of the expected credentials leaks.
        return WebhookCrypto.FixedTimeEqualsByDigest(_expectedCredentials!, supplied);
    }

    private static int Rank(WebhookVerificationFailure? failure) => failure switch
    {
        null => 0,
        WebhookVerificationFailure.MalformedHeader => 1,
        WebhookVerificationFailure.InvalidSignature => 2,
        _ => 3,
    };

    private static string? Lookup(IReadOnlyDictionary<string, string> headers, string name)
    {
        if (headers.TryGetValue(name, out var value))
        {
            return value;
        }

        foreach (var pair in headers)
        {
            if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return pair.Value;
            }
        }

        return null;
    }

    private static WebhookVerifierOptions CreateOptions(IEnumerable<string> secrets, TimeProvider? timeProvider)
    {
        Guard.NotNull(secrets);
        var options = new WebhookVerifierOptions { TimeProvider = timeProvider ?? TimeProvider.System };
        foreach (var secret in secrets)
        {
            options.Secrets.Add(secret);
        }

        return options;
    }

    private sealed record Keys(byte[] Lisoloo, byte[] Standard);
}
