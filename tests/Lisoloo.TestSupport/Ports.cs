using System.Net;
using System.Net.Sockets;

namespace Lisoloo.TestSupport;

/// <summary>Loopback ports for test peers.</summary>
public static class Ports
{
    /// <summary>Gets a TCP port on 127.0.0.1 that is free right now.</summary>
    public static int GetFreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
