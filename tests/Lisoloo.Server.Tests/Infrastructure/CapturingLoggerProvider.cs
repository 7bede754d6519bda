using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Lisoloo.Server.Tests.Infrastructure;

/// <summary>Keeps every log line a server writes (register it with <c>services.AddSingleton&lt;ILoggerProvider&gt;(capture)</c>).</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    /// <summary>Every entry so far, in order.</summary>
    public ConcurrentQueue<Entry> Entries { get; } = new();

    /// <summary>Every entry as one line: category, level, message and exception.</summary>
    public IEnumerable<string> Lines => Entries.Select(e => $"{e.Category} {e.Level} {e.Message} {e.Exception}");

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>One log entry.</summary>
    internal sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception);

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
    }
}
