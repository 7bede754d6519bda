using System.Net;
using System.Text;
using Lisoloo.TestSupport;

namespace Lisoloo.Sdk.Tests.Http;

/// <summary>A real HTTP server on 127.0.0.1 answering a fixed sequence of statuses (the last one repeats), counting requests.</summary>
internal sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpStatusCode[] _statuses;
    private readonly Task _loop;
    private int _count;

    private LoopbackServer(HttpStatusCode[] statuses)
    {
        _statuses = statuses;
        var port = Ports.GetFreeTcpPort();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseUrl.AbsoluteUri);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public Uri BaseUrl { get; }

    public int Count => Volatile.Read(ref _count);

    public static LoopbackServer Start(params HttpStatusCode[] statuses) => new(statuses);

    public void Dispose()
    {
        _listener.Close();
        _loop.ContinueWith(static _ => { }, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(5));
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var n = Interlocked.Increment(ref _count);
            var status = _statuses[Math.Min(n, _statuses.Length) - 1];
            var body = Encoding.UTF8.GetBytes("{\"status_code\":" + ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"data\":{}}");
            context.Response.StatusCode = (int)status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }
}
