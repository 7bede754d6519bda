using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Lisoloo.Sdk.Tests.Http;

/// <summary>One log record, rendered.</summary>
internal sealed record LogRecord(string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyDictionary<string, object?> State, string? Exception)
{
    /// <summary>Gets everything a log sink could write for this record.</summary>
    public string AllText => string.Join(" | ", new[] { Category, Message, Exception ?? string.Empty }.Concat(State.Select(p => p.Key + "=" + p.Value)));
}

/// <summary>An <see cref="ILoggerProvider"/> that keeps every record at every level, for assertions on log output.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogRecord> _records = new();

    public IReadOnlyList<LogRecord> Records => [.. _records];

    /// <summary>Gets all captured output as one string.</summary>
    public string AllText => string.Join(Environment.NewLine, _records.Select(r => r.AllText));

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _records);

    public ILogger<T> CreateLogger<T>() => new Logger<T>(new Factory(this));

    public void Dispose()
    {
    }

    private sealed class Factory(CapturingLoggerProvider provider) : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => provider.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class Logger(string category, ConcurrentQueue<LogRecord> records) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
            => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var pair in pairs)
                {
                    values[pair.Key] = pair.Value;
                }
            }

            records.Enqueue(new LogRecord(category, logLevel, eventId, formatter(state, exception), values, exception?.ToString()));
        }
    }
}
