namespace Lisoloo.Sdk.Http;

/// <summary>Which of the resilience handler's timeouts fired.</summary>
internal enum RequestTimeout
{
    /// <summary>No timeout of the handler fired (or there is no handler).</summary>
    None = 0,

    /// <summary>One attempt took longer than <see cref="LisolooResilienceOptions.AttemptTimeout"/>.</summary>
    Attempt = 1,

    /// <summary>The whole call took longer than <see cref="LisolooResilienceOptions.TotalTimeout"/>.</summary>
    Total = 2,
}

/// <summary>Carries the attempt count of a request, and the timeout that ended it, from the resilience handler back to the client.</summary>
internal static class RequestAttempts
{
    private const string Key = "Lisoloo.Attempts";
    private const string TimeoutKey = "Lisoloo.Timeout";
#if NET5_0_OR_GREATER
    private static readonly HttpRequestOptionsKey<int> OptionsKey = new(Key);
    private static readonly HttpRequestOptionsKey<RequestTimeout> TimeoutOptionsKey = new(TimeoutKey);
#endif

    private const string NoRetryKey = "Lisoloo.NoRetry";
#if NET5_0_OR_GREATER
    private static readonly HttpRequestOptionsKey<bool> NoRetryOptionsKey = new(NoRetryKey);
#endif

    /// <summary>Marks a request that must be tried once only (a health probe wants the answer now, not after backoffs).</summary>
    public static void SetNoRetry(HttpRequestMessage request)
    {
#if NET5_0_OR_GREATER
        request.Options.Set(NoRetryOptionsKey, true);
#else
        request.Properties[NoRetryKey] = true;
#endif
    }

    /// <summary>Whether <see cref="SetNoRetry"/> was called for the request.</summary>
    public static bool IsNoRetry(HttpRequestMessage request)
    {
#if NET5_0_OR_GREATER
        return request.Options.TryGetValue(NoRetryOptionsKey, out var noRetry) && noRetry;
#else
        return request.Properties.TryGetValue(NoRetryKey, out var value) && value is true;
#endif
    }

    public static void Set(HttpRequestMessage request, int attempts)
    {
#if NET5_0_OR_GREATER
        request.Options.Set(OptionsKey, attempts);
#else
        request.Properties[Key] = attempts;
#endif
    }

    /// <summary>Gets the attempts the handler sent: 1 when no handler counted them, 0 when none was sent (open circuit).</summary>
    public static int Get(HttpRequestMessage request)
    {
#if NET5_0_OR_GREATER
        return request.Options.TryGetValue(OptionsKey, out var attempts) ? attempts : 1;
#else
        return request.Properties.TryGetValue(Key, out var value) && value is int attempts ? attempts : 1;
#endif
    }

    public static void SetTimeout(HttpRequestMessage request, RequestTimeout timeout)
    {
#if NET5_0_OR_GREATER
        request.Options.Set(TimeoutOptionsKey, timeout);
#else
        request.Properties[TimeoutKey] = timeout;
#endif
    }

    /// <summary>Gets the handler timeout that fired last for this request, if any.</summary>
    public static RequestTimeout GetTimeout(HttpRequestMessage request)
    {
#if NET5_0_OR_GREATER
        return request.Options.TryGetValue(TimeoutOptionsKey, out var timeout) ? timeout : RequestTimeout.None;
#else
        return request.Properties.TryGetValue(TimeoutKey, out var value) && value is RequestTimeout timeout ? timeout : RequestTimeout.None;
#endif
    }
}
