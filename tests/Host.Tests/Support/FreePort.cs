using System.Net;
using System.Net.Sockets;

namespace Workflows.Host.Tests.Support;

public static class FreePort
{
    /// <summary>A loopback port nothing listens on now, as the system hands one out.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
