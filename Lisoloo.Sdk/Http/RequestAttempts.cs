namespace Lisoloo.Sdk.Http;

/// <summary>Carries the attempt count of a request from the resilience handler back to the client.</summary>
internal static class RequestAttempts
{
    private const string Key = "Lisoloo.Attempts";
#if NET5_0_OR_GREATER
    private static readonly HttpRequestOptionsKey<int> OptionsKey = new(Key);
#endif

    public static void Set(HttpRequestMessage request, int attempts)
    {
#if NET5_0_OR_GREATER
        request.Options.Set(OptionsKey, attempts);
#else
        request.Properties[Key] = attempts;
#endif
    }

    public static int Get(HttpRequestMessage request)
    {
#if NET5_0_OR_GREATER
        return request.Options.TryGetValue(OptionsKey, out var attempts) ? attempts : 1;
#else
        return request.Properties.TryGetValue(Key, out var value) && value is int attempts ? attempts : 1;
#endif
    }
}
