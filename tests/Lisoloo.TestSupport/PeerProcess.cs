using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Lisoloo.TestSupport;

/// <summary>What a peer process (WireMock, the Node SMSC) printed: the last 64 KiB of stdout and stderr, for diagnostics.</summary>
internal sealed class CapturedOutput
{
    private const int MaxChars = 64 * 1024;
    private readonly StringBuilder _text = new();

    /// <summary>Appends one line (ignored when null, as the end of a stream is reported).</summary>
    public void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_text)
        {
            _text.AppendLine(line);
            if (_text.Length > MaxChars)
            {
                _text.Remove(0, _text.Length - MaxChars);
            }
        }
    }

    /// <inheritdoc />
    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }
}

/// <summary>Stops peer processes the tests started.</summary>
internal static class PeerProcess
{
    /// <summary>Kills the process and everything it started, by its PID, and waits (up to 30 s) for it to exit.</summary>
    public static async Task KillAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(exit.Token).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill (or never started).
        }
        catch (Win32Exception)
        {
            // Same race, reported by the OS.
        }
    }
}
