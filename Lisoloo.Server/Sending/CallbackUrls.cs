using System.Net;

namespace Lisoloo.Server.Sending;

/// <summary>Rules for webhook target URLs.</summary>
internal static class CallbackUrls
{
    public const int MaxLength = 2048;

    /// <summary>Null when acceptable; otherwise why not.</summary>
    public static string? Validate(string text, bool liveKey, bool allowPrivateTargets)
    {
        if (text.Length > MaxLength || !Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            return "callback_url must be an absolute URL of at most 2,048 characters.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return "callback_url must not carry credentials or a fragment; use the key's webhook credentials.";
        }

        var loopback = uri.IsLoopback;
        if (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && (!liveKey || loopback || allowPrivateTargets)))
        {
            if (liveKey && !allowPrivateTargets && IsPrivateHost(uri))
            {
                return "callback_url points at a private, loopback or link-local address, which live keys may not target.";
            }

            return null;
        }

        return liveKey ? "callback_url must use https." : "callback_url must use http or https.";
    }

    /// <summary>True for loopback, private, link-local, unique-local and unspecified literal addresses and <c>localhost</c>.</summary>
    public static bool IsPrivateHost(Uri uri)
    {
        if (uri.IsLoopback || uri.Host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address) && IsPrivate(address);
    }

    /// <summary>True for addresses a live webhook may not reach.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None))
        {
            return true;
        }

        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal;
        }

        var b = address.GetAddressBytes();
        return b[0] == 10 || b[0] == 0 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) || b[0] >= 224;
    }
}
