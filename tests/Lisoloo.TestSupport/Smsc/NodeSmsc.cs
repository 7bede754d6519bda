using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Lisoloo.TestSupport.Smsc;

/// <summary>
/// The test SMSC (<c>tests/peers/smsc/smsc.js</c>: an SMPP 3.4 server on the <c>smpp</c> npm package) run with Node on
/// free loopback ports, and driven through its HTTP control API. Its stdin stays open while this object lives: the
/// script exits when it closes, so a killed test runner does not leave it behind. Dispose it to kill it.
/// See <c>tests/peers/README.md</c> for the destination rules, the behaviours and the control API.
/// </summary>
public sealed class NodeSmsc : IAsyncDisposable
{
    /// <summary>The environment variable that points at a Node executable, instead of <c>node</c> on PATH.</summary>
    public const string NodeVariable = "LISOLOO_NODE";

    /// <summary>The host the SMSC listens on.</summary>
    public const string Host = "127.0.0.1";


    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    private readonly Process _process;
    private readonly CapturedOutput _output;
    private readonly HttpClient _control;
    private bool _disposed;

    private NodeSmsc(Process process, CapturedOutput output, int smppPort, int controlPort, NodeSmscOptions options)
    {
        _process = process;
        _output = output;
        SmppPort = smppPort;
        ControlPort = controlPort;
        SystemId = options.SystemId;
        Password = options.Password;
        _control = new HttpClient
        {
            BaseAddress = new Uri($"http://{Host}:{controlPort.ToString(CultureInfo.InvariantCulture)}/"),
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    /// <summary>Gets the SMPP port on <see cref="Host"/>.</summary>
    public int SmppPort { get; }

    /// <summary>Gets the HTTP control port on <see cref="Host"/>.</summary>
    public int ControlPort { get; }

    /// <summary>Gets the process id of the Node process.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Gets the system_id binds must carry.</summary>
    public string SystemId { get; }

    /// <summary>Gets the password binds must carry.</summary>
    public string Password { get; }

    /// <summary>Gets a value indicating whether the Node process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Gets what the SMSC wrote to stdout and stderr so far (the last 64 KiB), for diagnostics.</summary>
    public string Output => _output.ToString();

    /// <summary>Starts the SMSC and waits until it reports its ports.</summary>
    /// <param name="options">The credentials and ports; the defaults when <see langword="null"/>.</param>
    /// <param name="ct">Cancels the wait (the process is then killed).</param>
    /// <returns>The running SMSC.</returns>
    /// <exception cref="InvalidOperationException">Node, the script or the <c>smpp</c> package is missing, or the SMSC did not start in time.</exception>
    public static async Task<NodeSmsc> StartAsync(NodeSmscOptions? options = null, CancellationToken ct = default)
    {
        options ??= new NodeSmscOptions();
        var node = FindNode();
        var peers = Path.Combine(RepoPaths.Root, "tests", "peers");
        var script = Path.Combine(peers, "smsc", "smsc.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"The test SMSC script {script} does not exist.");
        }

        if (!File.Exists(Path.Combine(peers, "node_modules", "smpp", "package.json")))
        {
            throw new InvalidOperationException(
                $"The smpp npm package was not found under {Path.Combine(peers, "node_modules")}. Run eng/test.sh, which installs the npm test peers " +
                "(or run `npm ci` in tests/peers), then run the tests again.");
        }

        var info = new ProcessStartInfo(node)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            WorkingDirectory = peers,
        };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add("--smpp-port");
        info.ArgumentList.Add(options.SmppPort.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add("--control-port");
        info.ArgumentList.Add(options.ControlPort.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add("--system-id");
        info.ArgumentList.Add(options.SystemId);
        info.ArgumentList.Add("--password");
        info.ArgumentList.Add(options.Password);
        if (options.Verbose)
        {
            info.ArgumentList.Add("--verbose");
        }

        var output = new CapturedOutput();
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                // stdout closed: the process is gone (or going) without having printed its ports.
                ready.TrySetException(new InvalidOperationException("The test SMSC closed its stdout before it printed its ports."));
                return;
            }

            output.Append(e.Data);
            if (e.Data.StartsWith('{'))
            {
                ready.TrySetResult(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) => output.Append(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start {node}: {ex.Message}. Node 20 is needed for the SMPP tests.", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        string line;
        try
        {
            line = await ready.Task.WaitAsync(options.StartTimeout, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or OperationCanceledException)
        {
            await PeerProcess.KillAsync(process).ConfigureAwait(false);
            var captured = output.ToString();
            process.Dispose();
            if (ex is OperationCanceledException)
            {
                throw;
            }

            throw new InvalidOperationException(
                $"The test SMSC did not report its ports within {options.StartTimeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s ({ex.Message}). Its output:{Environment.NewLine}{captured}",
                ex);
        }

        int smppPort;
        int controlPort;
        try
        {
            using var document = JsonDocument.Parse(line);
            smppPort = document.RootElement.GetProperty("smpp_port").GetInt32();
            controlPort = document.RootElement.GetProperty("control_port").GetInt32();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            await PeerProcess.KillAsync(process).ConfigureAwait(false);
            process.Dispose();
            throw new InvalidOperationException($"The test SMSC printed an unexpected first line: {line}", ex);
        }

        return new NodeSmsc(process, output, smppPort, controlPort, options);
    }

    /// <summary>
    /// Merges behaviour settings (<c>POST /config</c>), e.g. <c>new { throttle = new { count = 2, status = "ESME_RTHROTTLED" } }</c>
    /// or <c>new { receiptDelayMs = 200, receiptIdFormat = "decimal" }</c>. Property names are camel-cased.
    /// </summary>
    /// <param name="settings">An object (anonymous, dictionary…) whose properties are settings.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>A task.</returns>
    /// <exception cref="ArgumentException">The SMSC refused a setting (unknown name or bad value).</exception>
    public async Task ConfigureAsync(object settings, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var response = await PostAsync("config", settings, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            throw new ArgumentException($"The test SMSC refused the settings: {body}", nameof(settings));
        }

        await EnsureSuccessAsync(response, "POST /config", ct).ConfigureAwait(false);
    }

    /// <summary>Gets the current behaviour settings (<c>GET /config</c>).</summary>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The settings as a JSON object.</returns>
    public async Task<JsonElement> GetConfigAsync(CancellationToken ct = default)
        => await GetAsync<JsonElement>("config", ct).ConfigureAwait(false);

    /// <summary>Clears counters, records, behaviours, held submit_sm and queued deliveries (<c>POST /reset</c>); binds stay.</summary>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task ResetAsync(CancellationToken ct = default)
    {
        using var response = await PostAsync("reset", null, ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "POST /reset", ct).ConfigureAwait(false);
    }

    /// <summary>Gets the counters and the current binds (<c>GET /stats</c>).</summary>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The stats.</returns>
    public Task<SmscStats> GetStatsAsync(CancellationToken ct = default) => GetAsync<SmscStats>("stats", ct);

    /// <summary>Gets every submit_sm accepted since the last reset, in arrival order (<c>GET /messages</c>).</summary>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The messages.</returns>
    public async Task<IReadOnlyList<SmscMessage>> GetMessagesAsync(CancellationToken ct = default)
        => await GetAsync<List<SmscMessage>>("messages", ct).ConfigureAwait(false);

    /// <summary>
    /// Sends a mobile-originated message as one deliver_sm or several parts (<c>POST /mo</c>) and waits until every part
    /// was answered. Someone must be bound as transceiver or receiver (or bind meanwhile) and answer.
    /// </summary>
    /// <param name="mo">The message.</param>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The command_status of each part's deliver_sm_resp, in part order.</returns>
    /// <exception cref="ArgumentException">The SMSC refused the message (e.g. a character outside GSM 03.38 with <see cref="SmscMoEncoding.Gsm7"/>).</exception>
    /// <exception cref="TimeoutException">Not every part was answered within <see cref="SmscMo.Timeout"/>.</exception>
    public async Task<IReadOnlyList<int>> SendMoAsync(SmscMo mo, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(mo);
        using var response = await PostAsync("mo", mo.ToJson(), ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        switch (response.StatusCode)
        {
            case HttpStatusCode.BadRequest:
                throw new ArgumentException($"The test SMSC refused the MO: {body}", nameof(mo));
            case HttpStatusCode.GatewayTimeout:
                throw new TimeoutException($"Not every MO part was answered: {body}");
            case HttpStatusCode.OK:
                using (var document = JsonDocument.Parse(body))
                {
                    return document.RootElement.GetProperty("statuses").EnumerateArray().Select(s => s.GetInt32()).ToList();
                }

            default:
                throw new InvalidOperationException($"POST /mo answered {(int)response.StatusCode}: {body}{Environment.NewLine}SMSC output:{Environment.NewLine}{Output}");
        }
    }

    /// <summary>Destroys every SMPP connection (<c>POST /drop</c>); held submit_sm are never answered.</summary>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The number of connections destroyed.</returns>
    public async Task<int> DropAsync(CancellationToken ct = default)
    {
        using var document = await PostForJsonAsync("drop", null, ct).ConfigureAwait(false);
        return document.RootElement.GetProperty("sessions").GetInt32();
    }

    /// <summary>Answers the held submit_sm as if just received (<c>POST /release</c>); <c>holdResponses</c> stays as it is.</summary>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>The number of submit_sm released (those whose connection closed meanwhile are skipped).</returns>
    public async Task<int> ReleaseAsync(CancellationToken ct = default)
    {
        using var document = await PostForJsonAsync("release", null, ct).ConfigureAwait(false);
        return document.RootElement.GetProperty("released").GetInt32();
    }

    /// <summary>Sends unbind to every bound session and closes each once it answers, or after 2 s (<c>POST /unbind</c>).</summary>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>How many sessions were asked and how many answered.</returns>
    public async Task<SmscPing> UnbindAllAsync(CancellationToken ct = default)
    {
        using var document = await PostForJsonAsync("unbind", null, ct).ConfigureAwait(false);
        return document.Deserialize<SmscPing>(Json)!;
    }

    /// <summary>Sends enquire_link to every connection and waits up to 2 s for the answers (<c>POST /enquire</c>).</summary>
    /// <param name="ct">Cancels the call.</param>
    /// <returns>How many sessions were asked and how many answered.</returns>
    public async Task<SmscPing> EnquireAsync(CancellationToken ct = default)
    {
        using var document = await PostForJsonAsync("enquire", null, ct).ConfigureAwait(false);
        return document.Deserialize<SmscPing>(Json)!;
    }

    /// <summary>Polls the stats until <paramref name="condition"/> holds, or fails after <paramref name="timeout"/>.</summary>
    /// <param name="condition">The condition on the stats.</param>
    /// <param name="timeout">The deadline.</param>
    /// <param name="ct">Cancels the wait.</param>
    /// <returns>The stats that met the condition.</returns>
    /// <exception cref="TimeoutException">The condition did not hold in time; the message carries the last stats and the SMSC output.</exception>
    public async Task<SmscStats> WaitForAsync(Func<SmscStats, bool> condition, TimeSpan timeout, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var stats = await GetStatsAsync(ct).ConfigureAwait(false);
            if (condition(stats))
            {
                return stats;
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException(
                    $"The test SMSC's stats did not meet the condition within {timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s. " +
                    $"Last stats: {JsonSerializer.Serialize(stats, Json)}{Environment.NewLine}SMSC output:{Environment.NewLine}{Output}");
            }

            await Task.Delay(PollInterval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Kills the Node process (and anything it started) by its PID and waits for it to exit.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _control.Dispose();
        try
        {
            await PeerProcess.KillAsync(_process).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                _process.StandardInput.Dispose();
            }
            catch (IOException)
            {
                // The pipe is already broken: the process is gone.
            }

            _process.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString()
        => $"test SMSC on {Host}:{SmppPort.ToString(CultureInfo.InvariantCulture)} (control {ControlPort.ToString(CultureInfo.InvariantCulture)}, pid {ProcessId.ToString(CultureInfo.InvariantCulture)})";

    private async Task<HttpResponseMessage> PostAsync(string path, object? body, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var content = new StringContent(body is null ? "{}" : JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");
        try
        {
            return await _control.PostAsync(new Uri(path, UriKind.Relative), content, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new InvalidOperationException($"The test SMSC's control API did not answer POST /{path}: {ex.Message}. SMSC output:{Environment.NewLine}{Output}", ex);
        }
    }

    private async Task<JsonDocument> PostForJsonAsync(string path, object? body, CancellationToken ct)
    {
        using var response = await PostAsync(path, body, ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "POST /" + path, ct).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonDocument.ParseAsync(stream, cancellationToken: ct).ConfigureAwait(false);
        }
    }

    private async Task<T> GetAsync<T>(string path, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        HttpResponseMessage response;
        try
        {
            response = await _control.GetAsync(new Uri(path, UriKind.Relative), ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new InvalidOperationException($"The test SMSC's control API did not answer GET /{path}: {ex.Message}. SMSC output:{Environment.NewLine}{Output}", ex);
        }

        using (response)
        {
            await EnsureSuccessAsync(response, "GET /" + path, ct).ConfigureAwait(false);
            var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync<T>(stream, Json, ct).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"GET /{path} answered null.");
            }
        }
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            throw new InvalidOperationException($"The test SMSC's control call {what} answered {(int)response.StatusCode}: {body}{Environment.NewLine}SMSC output:{Environment.NewLine}{Output}");
        }
    }

    private static string FindNode()
    {
        var configured = Environment.GetEnvironmentVariable(NodeVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{NodeVariable} points at {configured}, which does not exist.");
        }

        var name = OperatingSystem.IsWindows() ? "node.exe" : "node";
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"Node (20 or later) was not found on PATH (or through {NodeVariable}); the SMPP tests run the test SMSC on it. Install Node 20 and run eng/test.sh.");
    }
}
