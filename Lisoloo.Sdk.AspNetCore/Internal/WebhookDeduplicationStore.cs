using Microsoft.Extensions.Options;

namespace Lisoloo.Sdk.AspNetCore.Internal;

/// <summary>
/// Remembers processed event ids for the de-duplication window, in bounded memory (oldest forgotten first),
/// and lets only one delivery of an id run at a time. A DI singleton: no static state.
/// </summary>
internal sealed class WebhookDeduplicationStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Queue<Entry> _processed = new();
    private readonly TimeProvider _timeProvider;
    private readonly IOptionsMonitor<LisolooWebhookOptions> _options;
    private int _waiting;

    public WebhookDeduplicationStore(TimeProvider timeProvider, IOptionsMonitor<LisolooWebhookOptions> options)
    {
        _timeProvider = timeProvider;
        _options = options;
    }

    /// <summary>Gets the number of processed ids remembered (for tests and diagnostics).</summary>
    public int ProcessedCount
    {
        get
        {
            lock (_gate)
            {
                Prune();
                return _processed.Count;
            }
        }
    }

    /// <summary>Gets the number of deliveries waiting for an in-flight delivery of the same id (for tests).</summary>
    public int WaitingCount => Volatile.Read(ref _waiting);

    /// <summary>
    /// Claims an id for processing. Returns <see langword="null"/> when it was already processed within the window.
    /// When another delivery of the same id is in flight, waits for it: if it succeeds this returns <see langword="null"/>,
    /// if it fails this claims the id in turn.
    /// </summary>
    public async Task<Entry?> TryClaimAsync(string key, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task inFlight;
            lock (_gate)
            {
                Prune();
                if (!_entries.TryGetValue(key, out var existing))
                {
                    var entry = new Entry(key);
                    _entries.Add(key, entry);
                    return entry;
                }

                if (existing.IsProcessed)
                {
                    return null;
                }

                inFlight = existing.Completion.Task;
            }

            Interlocked.Increment(ref _waiting);
            try
            {
                await inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
    }

    /// <summary>Records a claimed id as processed and releases waiters (they will see it processed).</summary>
    public void Complete(Entry entry)
    {
        lock (_gate)
        {
            entry.ProcessedAt = _timeProvider.GetUtcNow();
            entry.IsProcessed = true;
            _processed.Enqueue(entry);
            Prune();
        }

        entry.Completion.TrySetResult(true);
    }

    /// <summary>Forgets a claimed id after a failure and releases waiters (one of them may claim it).</summary>
    public void Abandon(Entry entry)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(entry.Key, out var current) && ReferenceEquals(current, entry))
            {
                _entries.Remove(entry.Key);
            }
        }

        entry.Completion.TrySetResult(false);
    }

    private void Prune()
    {
        var options = _options.CurrentValue;
        var now = _timeProvider.GetUtcNow();
        while (_processed.Count > 0)
        {
            var oldest = _processed.Peek();
            if (_processed.Count <= options.MaxDeduplicationEntries && now - oldest.ProcessedAt < options.DeduplicationWindow)
            {
                break;
            }

            _processed.Dequeue();
            if (_entries.TryGetValue(oldest.Key, out var current) && ReferenceEquals(current, oldest))
            {
                _entries.Remove(oldest.Key);
            }
        }
    }

    internal sealed class Entry
    {
        public Entry(string key) => Key = key;

        public string Key { get; }

        public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public DateTimeOffset ProcessedAt { get; set; }

        public bool IsProcessed { get; set; }
    }
}
