namespace Lisoloo.Sdk.Http;

/// <summary>Which of the resilience pipeline's timeouts fired.</summary>
internal enum RequestTimeout
{
    /// <summary>No timeout of the pipeline fired (or there is no pipeline).</summary>
    None = 0,

    /// <summary>One attempt took longer than <see cref="LisolooResilienceOptions.AttemptTimeout"/>.</summary>
    Attempt = 1,

    /// <summary>The whole call took longer than <see cref="LisolooResilienceOptions.TotalTimeout"/>.</summary>
    Total = 2,
}

/// <summary>
/// Carries facts about a request between the client and the resilience pipeline, in the request's options: whether it
/// may be retried at all, how many attempts went out, and which timeout ended it.
/// </summary>
internal static class RequestAttempts
{
    /// <summary>The request option that keeps the resilience pipeline from retrying a request.</summary>
    public const string NoRetry = "Lisoloo.NoRetry";

    private const string Key = "Lisoloo.Attempts";
    private const string TimeoutKey = "Lisoloo.Timeout";

    /// <summary>Whether the request is marked <see cref="NoRetry"/> (a health probe wants the answer now, not after backoffs).</summary>
    public static bool IsNoRetry(HttpRequestMessage request) => Read(request, NoRetry, false);

    public static void Set(HttpRequestMessage request, int attempts) => Store(request, Key, attempts);

    /// <summary>Gets the attempts the pipeline sent: 1 when no pipeline counted them, 0 when none was sent (open circuit).</summary>
    public static int Get(HttpRequestMessage? request) => request is null ? 1 : Read(request, Key, 1);

    public static void SetTimeout(HttpRequestMessage request, RequestTimeout timeout) => Store(request, TimeoutKey, timeout);

    /// <summary>Gets the pipeline timeout that fired last for this request, if any.</summary>
    public static RequestTimeout GetTimeout(HttpRequestMessage? request) => request is null ? RequestTimeout.None : Read(request, TimeoutKey, RequestTimeout.None);

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
