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
    private const string NoRetryKey = "Lisoloo.NoRetry";

    /// <summary>Marks a request that must be tried once only (a health probe wants the answer now, not after backoffs).</summary>
    public static void SetNoRetry(HttpRequestMessage request) => Store(request, NoRetryKey, true);

    /// <summary>Whether <see cref="SetNoRetry"/> was called for the request.</summary>
    public static bool IsNoRetry(HttpRequestMessage request) => Read(request, NoRetryKey, false);

    public static void Set(HttpRequestMessage request, int attempts) => Store(request, Key, attempts);

    /// <summary>Gets the attempts the handler sent: 1 when no handler counted them, 0 when none was sent (open circuit).</summary>
    public static int Get(HttpRequestMessage request) => Read(request, Key, 1);

    public static void SetTimeout(HttpRequestMessage request, RequestTimeout timeout) => Store(request, TimeoutKey, timeout);

    /// <summary>Gets the handler timeout that fired last for this request, if any.</summary>
    public static RequestTimeout GetTimeout(HttpRequestMessage request) => Read(request, TimeoutKey, RequestTimeout.None);

    private static void Store<T>(HttpRequestMessage request, string key, T value)
    {
#if NET5_0_OR_GREATER
        request.Options.Set(new HttpRequestOptionsKey<T>(key), value);
#else
        request.Properties[key] = value;
#endif
    }

    private static T Read<T>(HttpRequestMessage request, string key, T fallback)
    {
#if NET5_0_OR_GREATER
        return request.Options.TryGetValue(new HttpRequestOptionsKey<T>(key), out var value) ? value : fallback;
#else
        return request.Properties.TryGetValue(key, out var value) && value is T typed ? typed : fallback;
#endif
    }
}
