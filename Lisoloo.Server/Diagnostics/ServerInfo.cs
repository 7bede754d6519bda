using System.Reflection;

namespace Lisoloo.Server.Diagnostics;

/// <summary>The server's version, for <c>/health</c> and logs.</summary>
internal static class ServerInfo
{
    public static string Version { get; } = typeof(ServerInfo).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0.0.0";
}
