using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Lisoloo.TestSupport;

namespace Lisoloo.Sdk.Tests.Http;

/// <summary>One request as it reached the wire (after the resilience handler).</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body)
{
    public string? IdempotencyKey => Headers.TryGetValue("Idempotency-Key", out var key) ? key : null;
}

/// <summary>
/// The innermost handler of a test client: records each request it is sent and answers from a script, one step per
/// request, then from a fallback. Steps can answer, throw, or hang until the attempt is cancelled.
/// </summary>
internal sealed class RecordingHandler : HttpMessageHandler
{
    public const string EmptyOk = """{"status_code":200,"data":{}}""";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>? _fallback;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public int Count => _requests.Count;

    public static HttpResponseMessage Answer(HttpStatusCode status, string? body = EmptyOk, Action<HttpResponseMessage>? configure = null)
    {
        var response = new HttpResponseMessage(status);
        if (body is not null)
        {
            response.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        configure?.Invoke(response);
        return response;
    }

    /// <summary>Answers the next request with <paramref name="status"/>.</summary>
    public RecordingHandler Then(HttpStatusCode status, string? body = EmptyOk, Action<HttpResponseMessage>? configure = null)
        => Then((_, _) => Task.FromResult(Answer(status, body, configure)));

    /// <summary>Answers the next request with <paramref name="status"/>.</summary>
    public RecordingHandler Then(int status, string? body = EmptyOk, Action<HttpResponseMessage>? configure = null)
        => Then((HttpStatusCode)status, body, configure);

    /// <summary>Fails the next request with <paramref name="exception"/>, as a broken connection would.</summary>
    public RecordingHandler ThenThrow(Exception exception)
        => Then((_, _) => Task.FromException<HttpResponseMessage>(exception));

    /// <summary>Never answers the next request: it waits until the attempt's token is cancelled.</summary>
    public RecordingHandler ThenHang()
        => Then(async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        });

    public RecordingHandler Then(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> step)
    {
        _script.Enqueue(step);
        return this;
    }

    /// <summary>Answers every request past the script with <paramref name="status"/>.</summary>
    public RecordingHandler Always(HttpStatusCode status, string? body = EmptyOk, Action<HttpResponseMessage>? configure = null)
        => Always((_, _) => Task.FromResult(Answer(status, body, configure)));

    /// <summary>Answers every request past the script with <paramref name="status"/>.</summary>
    public RecordingHandler Always(int status, string? body = EmptyOk, Action<HttpResponseMessage>? configure = null)
        => Always((HttpStatusCode)status, body, configure);

    /// <summary>Fails every request past the script with a new exception from <paramref name="exception"/>.</summary>
    public RecordingHandler AlwaysThrow(Func<Exception> exception)
        => Always((_, _) => Task.FromException<HttpResponseMessage>(exception()));

    /// <summary>Never answers any request past the script.</summary>
    public RecordingHandler AlwaysHang()
        => Always(async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("unreachable");
        });

    public RecordingHandler Always(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> step)
    {
        _fallback = step;
        return this;
    }

    /// <summary>Waits, with a real deadline, until at least <paramref name="count"/> requests have arrived.</summary>
    public Task WaitForRequestsAsync(int count)
        => Wait.UntilAsync(() => Count >= count, Deadline, $"{count} request(s) to reach the server (got {Count})", TimeSpan.FromMilliseconds(5));

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        => SendAsync(request, cancellationToken).GetAwaiter().GetResult();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers)
        {
            headers[header.Key] = string.Join(",", header.Value);
        }

        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        _requests.Enqueue(new RecordedRequest(request.Method, request.RequestUri!, headers, body));

        var step = _script.TryDequeue(out var next) ? next
            : _fallback ?? throw new InvalidOperationException($"Unexpected request #{Count}: {request.Method} {request.RequestUri}");
        var response = await step(request, cancellationToken);
        response.RequestMessage ??= request;
        return response;
    }
}
