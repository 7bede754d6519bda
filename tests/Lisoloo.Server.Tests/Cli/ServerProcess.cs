using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Lisoloo.TestSupport;

namespace Lisoloo.Server.Tests.Cli;

/// <summary>What a finished process printed, and its exit code.</summary>
internal sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
}

/// <summary>
/// The built server (<c>Lisoloo.Server.dll</c>, copied next to the test assembly by the project reference) run as a
/// real process with <c>dotnet</c>: operator commands that run to completion, or the HTTP server on a loopback port.
/// Every process has a deadline and is killed by its PID (with its children) if it outlives it.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private ServerProcess(Process process, StringBuilder output, Uri baseUrl)
    {
        _process = process;
        _output = output;
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl, Infrastructure.TestServer.ApiPath), Timeout = TimeSpan.FromSeconds(15) };
    }

    /// <summary>The server's entry assembly.</summary>
    public static string DllPath { get; } = FindDll();

    /// <summary>The server's root URL.</summary>
    public Uri BaseUrl { get; }

    /// <summary>A client whose base address is the v1 API path.</summary>
    public HttpClient Http { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>What the server printed so far (stdout and stderr interleaved), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Runs an operator command (<c>keys …</c>, <c>balance …</c>) to completion within <paramref name="timeout"/>.</summary>
    public static Task<ProcessResult> RunAsync(string dataDirectory, TimeSpan timeout, params string[] args) =>
        RunAsync(dataDirectory, null, timeout, args);

    /// <summary>Runs an operator command with <paramref name="environment"/> added to its environment.</summary>
    public static async Task<ProcessResult> RunAsync(string dataDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout, params string[] args)
    {
        using var process = new Process { StartInfo = StartInfo(dataDirectory, environment, args) };
        process.Start();
        try
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"`{string.Join(' ', args)}` did not exit within {timeout.TotalSeconds:0} s.");
            }

            return new ProcessResult(process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            KillIfRunning(process);
        }
    }

    /// <summary>
    /// Starts the HTTP server on a free loopback port with <paramref name="environment"/> added to its environment,
    /// and waits (with a deadline) until <c>/health</c> answers 200.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = Ports.GetFreeTcpPort();
            var baseUrl = new Uri($"http://127.0.0.1:{port}/");
            var output = new StringBuilder();
            var process = new Process { StartInfo = StartInfo(dataDirectory, environment, ["--urls", baseUrl.ToString().TrimEnd('/')]) };
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.Start();
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new ServerProcess(process, output, baseUrl);
            try
            {
                await Wait.UntilAsync(server.IsHealthyAsync, timeout, "the server process to answer /health", TimeSpan.FromMilliseconds(50));
                return server;
            }
            catch (ServerExitedException) when (attempt < 3 && server.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // The free port was taken between the probe and the bind: try another.
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>POSTs a JSON body; returns status and parsed body.</summary>
    public Task<(int Status, JsonElement Json)> PostJsonAsync(string path, string apiKey, string json) =>
        SendAsync(HttpMethod.Post, path, apiKey, json);

    /// <summary>GETs a path; returns status and parsed body.</summary>
    public Task<(int Status, JsonElement Json)> GetJsonAsync(string path, string apiKey) =>
        SendAsync(HttpMethod.Get, path, apiKey, null);

    /// <summary>SIGKILL (on Linux) of the server and its children, then waits for the exit.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException($"Process {_process.Id} did not die after SIGKILL.");
        }
    }

    /// <summary>Asks the server to stop (SIGTERM, the host's graceful shutdown) and waits; kills it if it outlives <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        if (OperatingSystem.IsWindows() || SysKill(_process.Id, SigTerm) != 0)
        {
            Kill();
            return;
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"The server did not stop within {timeout.TotalSeconds:0} s of SIGTERM.\n{Output}");
        }
    }

    public ValueTask DisposeAsync()
    {
        Http.Dispose();
        KillIfRunning(_process);
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<bool> IsHealthyAsync()
    {
        if (_process.HasExited)
        {
            throw new ServerExitedException($"The server exited with {_process.ExitCode} while starting:\n{Output}");
        }

        try
        {
            using var response = await Http.GetAsync("health");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    private async Task<(int Status, JsonElement Json)> SendAsync(HttpMethod method, string path, string apiKey, string? json)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("app-key", apiKey);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(body);
        return ((int)response.StatusCode, doc.RootElement.Clone());
    }

    private static ProcessStartInfo StartInfo(string dataDirectory, IReadOnlyDictionary<string, string>? environment, IEnumerable<string> args)
    {
        Directory.CreateDirectory(dataDirectory);
        var psi = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDirectory,
        };
        psi.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        // Nothing inherited from the test runner configures the server: only what the test says.
        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("Lisoloo", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || k.Equals("DOTNET_URLS", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            psi.Environment.Remove(name);
        }

        psi.Environment["Lisoloo__Store__DataDirectory"] = dataDirectory;
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_gcServer"] = "0";
        if (environment is not null)
        {
            foreach (var (k, v) in environment)
            {
                psi.Environment[k] = v;
            }
        }

        return psi;
    }

    private static void KillIfRunning(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string FindDll()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Lisoloo.Server.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Lisoloo.Server.dll is not next to the test assembly; build tests/Lisoloo.Server.Tests.", path);
    }

    /// <summary>The <c>dotnet</c> host running these tests, else the one on the PATH.</summary>
    private static string DotnetHost()
    {
        var fromCli = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli))
        {
            return fromCli;
        }

        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? self : "dotnet";
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    private sealed class ServerExitedException(string message) : Exception(message);
}
