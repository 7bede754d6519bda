namespace Lisoloo.Sdk;

/// <summary>The environment of a key: test keys use the sandbox balance and carrier, live keys the real ones.</summary>
public enum LisolooEnvironment
{
    /// <summary>A <c>sk_test_…</c> key: sandbox balance, sandbox carrier.</summary>
    Test = 0,

    /// <summary>A <c>sk_live_…</c> key: live balance, real carrier routes.</summary>
    Live = 1,
}

/// <summary>Facts about API keys that need no network: their environment, their shape, a redacted form for logs.</summary>
public static class ApiKeys
{
    /// <summary>The prefix of test keys.</summary>
    public const string TestPrefix = "sk_test_";

    /// <summary>The prefix of live keys.</summary>
    public const string LivePrefix = "sk_live_";

    /// <summary>Tells a key's environment from its prefix.</summary>
    /// <param name="apiKey">The key.</param>
    /// <param name="environment">The environment, when the key is well-formed.</param>
    /// <returns><see langword="true"/> when the key has a known prefix and a well-formed random part.</returns>
    public static bool TryGetEnvironment(string? apiKey, out LisolooEnvironment environment)
    {
        environment = LisolooEnvironment.Test;
        if (apiKey is null)
        {
            return false;
        }

        string rest;
        if (apiKey.StartsWith(TestPrefix, StringComparison.Ordinal))
        {
            rest = apiKey.Substring(TestPrefix.Length);
        }
        else if (apiKey.StartsWith(LivePrefix, StringComparison.Ordinal))
        {
            environment = LisolooEnvironment.Live;
            rest = apiKey.Substring(LivePrefix.Length);
        }
        else
        {
            return false;
        }

        if (rest.Length is < 8 or > 128)
        {
            return false;
        }

        foreach (var c in rest)
        {
            if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Gets a form of the key safe for logs: its prefix and last four characters, e.g. <c>sk_test_…a1b2</c>.</summary>
    /// <param name="apiKey">The key.</param>
    /// <returns>The redacted key.</returns>
    public static string Redact(string? apiKey)
    {
        if (string.IsNullOrEmpty(apiKey))
        {
            return "(none)";
        }

        var prefix = apiKey!.StartsWith(TestPrefix, StringComparison.Ordinal) ? TestPrefix
            : apiKey.StartsWith(LivePrefix, StringComparison.Ordinal) ? LivePrefix
            : string.Empty;
        var tail = apiKey.Length - prefix.Length >= 12 ? apiKey.Substring(apiKey.Length - 4) : string.Empty;
        return prefix + "…" + tail;
    }
}
