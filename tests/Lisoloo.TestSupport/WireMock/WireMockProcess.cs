using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Lisoloo.TestSupport.WireMock;

/// <summary>
/// The real WireMock (the Java standalone jar from the <c>wiremock</c> npm package in <c>tests/peers</c>), started on a free
/// loopback port with a private copy of a mappings folder, and driven through its admin API. Dispose it to kill it.
/// </summary>
public sealed class WireMockProcess : IAsyncDisposable
{
    /// <summary>The environment variable that points at a WireMock standalone jar, instead of the one under <c>tests/peers</c>.</summary>
    public const string JarVariable = "LISOLOO_WIREMOCK_JAR";


    private readonly Process _process;
    private readonly HttpClient _admin;
    private readonly string _rootDirectory;
    private readonly CapturedOutput _output;
    private bool _disposed;

    private WireMockProcess(Process process, int port, string rootDirectory, CapturedOutput output)
    {
        _process = process;
        _rootDirectory = rootDirectory;
        _output = output;
        Port = port;
        BaseUrl = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        _admin = new HttpClient { BaseAddress = new Uri(BaseUrl, "__admin/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Gets the base URL stubs answer on, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Gets the loopback port.</summary>
    public int Port { get; }

    /// <summary>Gets the process id of the JVM.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Gets what WireMock wrote to stdout and stderr so far (the last 64 KiB), for diagnostics.</summary>
    public string Output => _output.ToString();

    /// <summary>
    /// Starts WireMock with a copy of <paramref name="mappingsDirectory"/> (its <c>*.json</c> files) as its mappings, and waits until
    /// its admin API answers.
    /// </summary>
    /// <param name="mappingsDirectory">A folder of WireMock mapping files, or <see langword="null"/> for none.</param>
    /// <param name="startTimeout">How long to wait for WireMock to answer; 60 s when <see langword="null"/>.</param>
    /// <returns>The running process.</returns>
    /// <exception cref="InvalidOperationException">Java or the jar is missing, or WireMock did not start in time.</exception>
    public static async Task<WireMockProcess> StartAsync(string? mappingsDirectory = null, TimeSpan? startTimeout = null)
    {
        var java = FindJava();
        var jar = FindJar();
        var timeout = startTimeout ?? TimeSpan.FromSeconds(60);

        // A free port can be taken between the probe and the JVM's bind: try a few.
        Exception? last = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var root = Directory.CreateTempSubdirectory("lisoloo-wiremock-").FullName;
            var mappings = Directory.CreateDirectory(Path.Combine(root, "mappings")).FullName;
            Directory.CreateDirectory(Path.Combine(root, "__files"));
            if (mappingsDirectory is not null)
            {
                foreach (var file in Directory.EnumerateFiles(mappingsDirectory, "*.json"))
                {
                    File.Copy(file, Path.Combine(mappings, Path.GetFileName(file)));
                }
            }

            var port = Ports.GetFreeTcpPort();
            var wireMock = Launch(java, jar, port, root);
            try
            {
                await wireMock.WaitUntilReadyAsync(timeout).ConfigureAwait(false);
                return wireMock;
            }
            catch (InvalidOperationException ex) when (wireMock.HasExited && wireMock.Output.Contains("Address already in use", StringComparison.OrdinalIgnoreCase))
            {
                last = ex;
                await wireMock.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await wireMock.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        throw new InvalidOperationException("WireMock could not bind a free loopback port in 3 tries.", last);
    }

    /// <summary>Clears the request journal.</summary>
    /// <returns>A task.</returns>
    public async Task ResetRequestsAsync()
    {
        using var response = await _admin.DeleteAsync(new Uri("requests", UriKind.Relative)).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "DELETE /__admin/requests").ConfigureAwait(false);
    }

    /// <summary>Puts every scenario back in its <c>Started</c> state.</summary>
    /// <returns>A task.</returns>
    public async Task ResetScenariosAsync()
    {
        using var response = await _admin.PostAsync(new Uri("scenarios/reset", UriKind.Relative), null).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "POST /__admin/scenarios/reset").ConfigureAwait(false);
    }

    /// <summary>Clears the request journal and resets every scenario; the mappings stay.</summary>
    /// <returns>A task.</returns>
    public async Task ResetAsync()
    {
        await ResetRequestsAsync().ConfigureAwait(false);
        await ResetScenariosAsync().ConfigureAwait(false);
    }

    /// <summary>Moves a scenario to a state (<c>PUT /__admin/scenarios/{name}/state</c>).</summary>
    /// <param name="scenario">The scenario name.</param>
    /// <param name="state">The state.</param>
    /// <returns>A task.</returns>
    public async Task SetScenarioStateAsync(string scenario, string state)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["state"] = state });
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _admin.PutAsync(new Uri("scenarios/" + Uri.EscapeDataString(scenario) + "/state", UriKind.Relative), content).ConfigureAwait(false);
        await EnsureSuccessAsync(response, $"PUT /__admin/scenarios/{scenario}/state").ConfigureAwait(false);
    }

    /// <summary>Gets the number of stub mappings loaded.</summary>
    /// <returns>The count.</returns>
    public async Task<int> GetMappingCountAsync()
    {
        using var document = await GetJsonAsync("mappings").ConfigureAwait(false);
        return document.RootElement.GetProperty("meta").GetProperty("total").GetInt32();
    }

    /// <summary>Gets every request received since the last reset, oldest first (<c>GET /__admin/requests</c>).</summary>
    /// <returns>The requests.</returns>
    public async Task<IReadOnlyList<WireMockRequest>> GetRequestsAsync()
    {
        using var document = await GetJsonAsync("requests").ConfigureAwait(false);
        var list = new List<WireMockRequest>();
        foreach (var serveEvent in document.RootElement.GetProperty("requests").EnumerateArray())
        {
            var matched = serveEvent.TryGetProperty("wasMatched", out var was) && was.ValueKind == JsonValueKind.True;
            serveEvent.TryGetProperty("stubMapping", out var stub);
            list.Add(WireMockRequest.Parse(serveEvent.GetProperty("request"), matched, matched ? stub : default));
        }

        // The journal lists the newest first.
        list.Reverse();
        return list;
    }

    /// <summary>Gets the requests no stub matched since the last reset, oldest first (<c>GET /__admin/requests/unmatched</c>).</summary>
    /// <returns>The requests.</returns>
    public async Task<IReadOnlyList<WireMockRequest>> GetUnmatchedRequestsAsync()
    {
        using var document = await GetJsonAsync("requests/unmatched").ConfigureAwait(false);
        var list = new List<WireMockRequest>();
        foreach (var request in document.RootElement.GetProperty("requests").EnumerateArray())
        {
            list.Add(WireMockRequest.Parse(request, wasMatched: false, default));
        }

        list.Reverse();
        return list;
    }

    /// <summary>Kills the JVM (and anything it started), waits for it to exit and removes its private folder.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _admin.Dispose();
        try
        {
            await PeerProcess.KillAsync(_process).ConfigureAwait(false);
        }
        finally
        {
            _process.Dispose();
            TryDeleteDirectory(_rootDirectory);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"WireMock at {BaseUrl} (pid {ProcessId.ToString(CultureInfo.InvariantCulture)})";

    private bool HasExited => _process.HasExited;

    private static WireMockProcess Launch(string java, string jar, int port, string root)
    {
        var info = new ProcessStartInfo(java)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            CreateNoWindow = true,
            WorkingDirectory = root,
        };

        // A small heap and the client compiler: quick to start, enough for a few hundred stubbed calls.
        foreach (var argument in new[]
        {
            "-Xms32m", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-jar", jar,
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--bind-address", "127.0.0.1",
            "--root-dir", root,
            "--disable-banner",
        })
        {
            info.ArgumentList.Add(argument);
        }

        var output = new CapturedOutput();
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => output.Append(e.Data);
        process.ErrorDataReceived += (_, e) => output.Append(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new InvalidOperationException($"Could not start {java}: {ex.Message}. Java 17+ is needed for the contract tests.", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WireMockProcess(process, port, root, output);
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                // Let the output readers drain.
                await _process.WaitForExitAsync().ConfigureAwait(false);
                throw new InvalidOperationException(
                    $"WireMock exited with code {_process.ExitCode.ToString(CultureInfo.InvariantCulture)} before it answered on port {Port.ToString(CultureInfo.InvariantCulture)}. Its output:{Environment.NewLine}{Output}");
            }

            try
            {
                using var probe = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using var response = await _admin.GetAsync(new Uri("health", UriKind.Relative), probe.Token).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK && !_process.HasExited)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (OperationCanceledException)
            {
                // Listening, but not answering yet.
            }

            if (watch.Elapsed > timeout)
            {
                throw new InvalidOperationException(
                    $"WireMock did not answer GET /__admin/health on port {Port.ToString(CultureInfo.InvariantCulture)} within {timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s. Its output:{Environment.NewLine}{Output}");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    private async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var response = await _admin.GetAsync(new Uri(path, UriKind.Relative)).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "GET /__admin/" + path).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonDocument.ParseAsync(stream).ConfigureAwait(false);
        }
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"WireMock admin call {what} answered {(int)response.StatusCode}: {body}{Environment.NewLine}WireMock output:{Environment.NewLine}{Output}");
        }
    }

    private static string FindJava()
    {
        var name = OperatingSystem.IsWindows() ? "java.exe" : "java";
        var javaHome = Environment.GetEnvironmentVariable("JAVA_HOME");
        if (!string.IsNullOrEmpty(javaHome) && File.Exists(Path.Combine(javaHome, "bin", name)))
        {
            return Path.Combine(javaHome, "bin", name);
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "Java (17 or later) was not found on PATH or under JAVA_HOME; the contract tests run the real WireMock on it. " +
            "Install a JRE (e.g. apt-get install openjdk-17-jre-headless) and run eng/test.sh.");
    }

    private static string FindJar()
    {
        var configured = Environment.GetEnvironmentVariable(JarVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{JarVariable} points at {configured}, which does not exist.");
        }

        var build = Path.Combine(RepoPaths.Root, "tests", "peers", "node_modules", "wiremock", "build");
        var jar = Directory.Exists(build)
            ? Directory.EnumerateFiles(build, "wiremock-standalone-*.jar").OrderBy(p => p, StringComparer.Ordinal).LastOrDefault()
            : null;
        return jar ?? throw new InvalidOperationException(
            $"The WireMock standalone jar was not found under {build}. Run eng/test.sh, which installs the npm test peers " +
            "(or run `npm ci` in tests/peers), then run the tests again.");
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
