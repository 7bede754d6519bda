using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lisoloo.Benchmarks.E2e;

/// <summary>
/// End-to-end SMS load driver (not a BenchmarkDotNet benchmark): HTTP accept → SMSC → receipt → callback received,
/// measured by the same client for Kannel and Lisoloo (<c>eng/bench-smpp.sh</c>). In .NET because Node's HTTP client
/// topped out near 4,000 requests a second here, below what the servers under test accept.
/// <code>
/// dotnet tests/Lisoloo.Benchmarks/bin/Release/net10.0/Lisoloo.Benchmarks.dll e2e --target lisoloo|kannel --url URL
///   [--key K] [--user bench --password bench --dlr-mask 3] [--count 20000] [--concurrency 64] [--parts 1|3]
///   [--listen 0] [--timeout 300s] [--idle 30s] [--first 1] [--finals-per-message N]
/// </code>
/// kannel: GET URL/cgi-bin/sendsms?…&amp;dlr-url=http://127.0.0.1:LISTEN/dlr?r=RUN&amp;id=N&amp;type=%d (types 1 and 2 are
/// finals). lisoloo: POST URL/api/v1/lisoloo/sms-api/send with the key in <c>app-key</c>; a message is complete at
/// its first <c>sms.delivered</c>/<c>sms.failed</c> webhook (the key's webhook URL must be
/// http://127.0.0.1:LISTEN/hooks). Recipients are +24381 and 7 digits from --first, one per request.
/// Prints one JSON line on stdout; stderr gets {"listen":PORT} once the listener is up, and the first few problems.
/// </summary>
internal sealed class E2eDriver
{
    private const string OnePart = "Your code is 493201"; // 19 GSM characters

    private readonly Options _o;
    private readonly string _text;
    private readonly string _run = Random.Shared.Next().ToString("x", CultureInfo.InvariantCulture);
    private readonly long[] _sentAt;
    private readonly long[] _doneAt;
    private readonly int[] _finalsFor;
    private readonly Stopwatch _clock = new();
    private readonly ConcurrentDictionary<string, int> _otherCallbacks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _pairs = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _allDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _next = -1;
    private int _accepted;
    private int _rejected;
    private int _errors;
    private int _completed;
    private int _delivered;
    private int _failed;
    private int _finalCallbacks;
    private int _duplicates;
    private int _strays;
    private int _problems;
    private long _lastAcceptAt;
    private long _lastCompleteAt;
    private long _lastCallbackAt;

    private E2eDriver(Options o)
    {
        _o = o;
        _text = o.Parts == 3 ? ThreeParts() : OnePart;
        _sentAt = new long[o.Count];
        _doneAt = new long[o.Count];
        _finalsFor = new int[o.Count];
    }

    /// <summary>Runs the driver with the command-line arguments after <c>e2e</c>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        Options o;
        try
        {
            o = Options.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync("e2e: " + ex.Message);
            return 2;
        }

        return await new E2eDriver(o).RunAsync();
    }

    private async Task<int> RunAsync()
    {
        await using var listener = await StartListenerAsync();
        var port = new Uri(listener.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        await Console.Error.WriteLineAsync($"{{\"listen\":{port}}}");

        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = _o.Concurrency,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        _clock.Start();
        var senders = Enumerable.Range(0, _o.Concurrency).Select(_ => Task.Run(() => SendLoopAsync(http, port))).ToArray();
        await Task.WhenAll(senders);
        var acceptSeconds = Volatile.Read(ref _lastAcceptAt) / (double)Stopwatch.Frequency;

        // Wait for the finals: until every accepted message completed, the deadline, or no callback for --idle.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(_o.TimeoutSeconds));
        var timedOut = false;
        while (Volatile.Read(ref _completed) < Volatile.Read(ref _accepted))
        {
            var idleFor = (_clock.ElapsedTicks - Math.Max(Volatile.Read(ref _lastCallbackAt), Volatile.Read(ref _lastAcceptAt))) / (double)Stopwatch.Frequency;
            if (deadline.IsCancellationRequested || idleFor > _o.IdleSeconds)
            {
                timedOut = true;
                break;
            }

            await Task.WhenAny(_allDone.Task, Task.Delay(100));
        }

        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        Console.WriteLine(Report(acceptSeconds, cpu, timedOut));
        await listener.StopAsync();
        return 0;
    }

    private async Task SendLoopAsync(HttpClient http, int listenPort)
    {
        while (true)
        {
            var n = Interlocked.Increment(ref _next);
            if (n >= _o.Count)
            {
                return;
            }

            using var request = _o.Target == "kannel" ? KannelRequest(n, listenPort) : LisolooRequest(n);
            _sentAt[n] = _clock.ElapsedTicks;
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                if ((int)response.StatusCode is >= 200 and < 300)
                {
                    Interlocked.Increment(ref _accepted);
                    InterlockedMax(ref _lastAcceptAt, _clock.ElapsedTicks);
                }
                else
                {
                    Interlocked.Increment(ref _rejected);
                    Problem($"request {n}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref _errors);
                Problem($"request {n}: {ex.Message}");
            }
        }
    }

    private HttpRequestMessage LisolooRequest(int n)
    {
        var body = "{\"to\":[\"" + Recipient(n) + "\"],\"message\":\"" + _text + "\"}";
        var request = new HttpRequestMessage(HttpMethod.Post, _o.Url + "/api/v1/lisoloo/sms-api/send")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        request.Headers.TryAddWithoutValidation("app-key", _o.Key);
        return request;
    }

    private HttpRequestMessage KannelRequest(int n, int listenPort)
    {
        var dlr = $"http://127.0.0.1:{listenPort}/dlr?r={_run}&id={n}&type=%d";
        var url = $"{_o.Url}/cgi-bin/sendsms?username={Uri.EscapeDataString(_o.User)}&password={Uri.EscapeDataString(_o.Password)}" +
            $"&from=Lisoloo&to={Uri.EscapeDataString(Recipient(n))}&text={Uri.EscapeDataString(_text)}&dlr-mask={_o.DlrMask}&dlr-url={Uri.EscapeDataString(dlr)}";
        return new HttpRequestMessage(HttpMethod.Get, url);
    }

    private string Recipient(int n) => "+24381" + (_o.First + n).ToString("D7", CultureInfo.InvariantCulture);

    private async Task<WebApplication> StartListenerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_o.Listen}");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxConcurrentConnections = null);
        var app = builder.Build();
        app.Run(async context =>
        {
            Volatile.Write(ref _lastCallbackAt, _clock.ElapsedTicks);
            if (_o.Target == "kannel")
            {
                OnKannelDlr(context.Request.Query);
            }
            else if (HttpMethods.IsPost(context.Request.Method))
            {
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer);
                OnLisolooHook(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            }

            context.Response.StatusCode = 200;
            context.Response.ContentLength = 2;
            await context.Response.Body.WriteAsync("ok"u8.ToArray());
        });
        await app.StartAsync();
        return app;
    }

    private void OnKannelDlr(IQueryCollection query)
    {
        if (query["r"] != _run || !int.TryParse(query["id"], CultureInfo.InvariantCulture, out var n) || n < 0 || n >= _o.Count)
        {
            Interlocked.Increment(ref _strays);
            return;
        }

        var type = query["type"].ToString();
        if (type is "1" or "2")
        {
            Final(n, type == "1");
        }
        else
        {
            _otherCallbacks.AddOrUpdate(type, 1, (_, v) => v + 1);
        }
    }

    private void OnLisolooHook(ReadOnlySpan<byte> body)
    {
        string? type;
        string? to;
        string? messageId;
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray());
            var root = doc.RootElement;
            type = root.TryGetProperty("type", out var t) ? t.GetString() : null;
            var data = root.TryGetProperty("data", out var d) ? d : default;
            to = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("to", out var x) ? x.GetString() : null;
            messageId = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("message_id", out var m) ? m.GetString() : null;
        }
        catch (JsonException)
        {
            Interlocked.Increment(ref _strays);
            return;
        }

        if (type is not ("sms.delivered" or "sms.failed"))
        {
            _otherCallbacks.AddOrUpdate(type ?? "?", 1, (_, v) => v + 1);
            return;
        }

        var digits = to?.TrimStart('+') ?? string.Empty;
        if (digits.Length != 12 || !digits.StartsWith("24381", StringComparison.Ordinal)
            || !int.TryParse(digits.AsSpan(5), CultureInfo.InvariantCulture, out var number) || number - _o.First is var n && (n < 0 || n >= _o.Count))
        {
            Interlocked.Increment(ref _strays);
            return;
        }

        _pairs.AddOrUpdate(messageId + "|" + digits, 1, (_, v) => v + 1);
        Final(number - _o.First, type == "sms.delivered");
    }

    private void Final(int n, bool delivered)
    {
        Interlocked.Increment(ref delivered ? ref _delivered : ref _failed);
        Interlocked.Increment(ref _finalCallbacks);
        var seen = Interlocked.Increment(ref _finalsFor[n]);
        if (seen == _o.FinalsPerMessage)
        {
            var t = _clock.ElapsedTicks;
            _doneAt[n] = t;
            InterlockedMax(ref _lastCompleteAt, t);
            if (Interlocked.Increment(ref _completed) >= _o.Count)
            {
                _allDone.TrySetResult();
            }
        }
        else if (seen > _o.FinalsPerMessage)
        {
            Interlocked.Increment(ref _duplicates);
        }
    }

    private string Report(double acceptSeconds, double cpuSeconds, bool timedOut)
    {
        var f = (double)Stopwatch.Frequency;
        var seconds = _lastCompleteAt / f;
        var latencies = Enumerable.Range(0, _o.Count).Where(i => _doneAt[i] > 0).Select(i => (_doneAt[i] - _sentAt[i]) / f * 1000).Order().ToArray();
        double Pct(double p) => latencies.Length == 0 ? 0 : Math.Round(latencies[Math.Min(latencies.Length - 1, (int)(p / 100 * latencies.Length))], 1);
        var report = new Dictionary<string, object?>
        {
            ["target"] = _o.Target,
            ["driver"] = "dotnet",
            ["count"] = _o.Count,
            ["concurrency"] = _o.Concurrency,
            ["parts"] = _o.Parts,
            ["accepted"] = _accepted,
            ["rejected"] = _rejected,
            ["errors"] = _errors,
            ["completed"] = _completed,
            ["finals"] = new Dictionary<string, int> { ["delivered"] = _delivered, ["failed"] = _failed },
            ["final_callbacks"] = _finalCallbacks,
            ["finals_per_message"] = _o.FinalsPerMessage,
            ["duplicates"] = _duplicates,
            ["other_callbacks"] = _otherCallbacks.ToDictionary(k => k.Key, k => k.Value),
            ["strays"] = _strays,
            ["seconds"] = Math.Round(seconds, 3),
            ["e2e_per_s"] = seconds > 0 ? Math.Round(_completed / seconds, 1) : 0,
            ["accept_seconds"] = Math.Round(acceptSeconds, 3),
            ["accept_per_s"] = acceptSeconds > 0 ? Math.Round(_accepted / acceptSeconds, 1) : 0,
            ["latency_ms"] = new Dictionary<string, double> { ["p50"] = Pct(50), ["p90"] = Pct(90), ["p99"] = Pct(99), ["max"] = latencies.Length == 0 ? 0 : Math.Round(latencies[^1], 1) },
            ["timed_out"] = timedOut,
            ["client_cpu_s"] = Math.Round(cpuSeconds, 2),
            ["pairs"] = _pairs.Count,
            ["pair_duplicates"] = _pairs.Values.Sum(v => v - 1),
        };
        return JsonSerializer.Serialize(report);
    }

    private void Problem(string text)
    {
        if (Interlocked.Increment(ref _problems) <= 5)
        {
            Console.Error.WriteLine("e2e: " + text);
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>400 characters of the GSM 7-bit basic table, no escapes: 3 parts of 153/153/94.</summary>
    private static string ThreeParts()
    {
        const string Base = "Lisoloo benchmark message in three parts. The quick brown fox jumps over the lazy dog 0123456789. ";
        var s = new StringBuilder();
        while (s.Length < 400)
        {
            s.Append(Base);
        }

        return s.ToString(0, 400);
    }

    private sealed record Options(string Target, string Url, string? Key, string User, string Password, int DlrMask, int Count,
        int Concurrency, int Parts, int Listen, double TimeoutSeconds, double IdleSeconds, int First, int FinalsPerMessage)
    {
        public static Options Parse(string[] args)
        {
            string? target = null, url = null, key = Environment.GetEnvironmentVariable("LISOLOO_KEY"), user = "bench", password = "bench";
            int dlrMask = 3, count = 20000, concurrency = 64, parts = 1, listen = 0, first = 1;
            int? finals = null;
            double timeout = 300, idle = 30;
            for (var i = 0; i < args.Length; i++)
            {
                var arg = args[i];
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{arg} needs a value");
                int Int(int min) => int.TryParse(Value(), CultureInfo.InvariantCulture, out var v) && v >= min ? v : throw new ArgumentException($"{arg} must be an integer ≥ {min}");
                switch (arg)
                {
                    case "--target": target = Value(); break;
                    case "--url": url = Value().TrimEnd('/'); break;
                    case "--key": key = Value(); break;
                    case "--user": user = Value(); break;
                    case "--password": password = Value(); break;
                    case "--dlr-mask": dlrMask = Int(1); break;
                    case "--count": count = Int(1); break;
                    case "--concurrency": concurrency = Int(1); break;
                    case "--parts": parts = Int(1); break;
                    case "--listen": listen = Int(0); break;
                    case "--timeout": timeout = Seconds(Value(), arg); break;
                    case "--idle": idle = Seconds(Value(), arg); break;
                    case "--first": first = Int(0); break;
                    case "--finals-per-message": finals = Int(1); break;
                    default: throw new ArgumentException($"unknown argument {arg}");
                }
            }

            if (target is not ("kannel" or "lisoloo"))
            {
                throw new ArgumentException("--target must be kannel or lisoloo");
            }

            if (url is null)
            {
                throw new ArgumentException("--url is required");
            }

            if (target == "lisoloo" && string.IsNullOrEmpty(key))
            {
                throw new ArgumentException("--key (or LISOLOO_KEY) is required for lisoloo");
            }

            if (parts is not (1 or 3))
            {
                throw new ArgumentException("--parts must be 1 or 3");
            }

            if (first + count > 9_990_000)
            {
                throw new ArgumentException("--first + --count must stay below 9990000 (the SMSC scripts 999000x)");
            }

            return new Options(target, url, key, user, password, dlrMask, count, concurrency, parts, listen, timeout, idle, first, finals ?? 1);
        }

        private static double Seconds(string text, string name)
        {
            var unit = text.EndsWith("ms", StringComparison.Ordinal) ? 0.001 : text.EndsWith('m') ? 60 : 1;
            var number = text.TrimEnd('s', 'm');
            return double.TryParse(number, CultureInfo.InvariantCulture, out var v) && v >= 0
                ? v * unit
                : throw new ArgumentException($"{name} must be a duration like 300s, 5m or 1500ms, not {text}");
        }
    }
}
