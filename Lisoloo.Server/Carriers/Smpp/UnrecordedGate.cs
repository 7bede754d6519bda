namespace Lisoloo.Server.Carriers.Smpp;

/// <summary>
/// Bounds the parts a connection has put on the wire whose outcome is not yet stored: a slot is taken before a part is
/// submitted and given back only once the dispatcher has stored the delivery's result. What a crash can make the SMSC
/// see twice is therefore at most <see cref="Capacity"/> parts per connection, however slow the store is under load.
/// Waiters are served in arrival order; a delivery takes all its parts' slots at once (never more than the capacity),
/// so two multi-part messages cannot each hold half of what the other needs.
/// </summary>
internal sealed class UnrecordedGate(int capacity)
{
    private readonly object _lock = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private int _free = Math.Max(1, capacity);

    /// <summary>The most parts outstanding at once.</summary>
    public int Capacity { get; } = Math.Max(1, capacity);

    /// <summary>Slots taken now (for tests).</summary>
    public int Taken
    {
        get
        {
            lock (_lock)
            {
                return Capacity - _free;
            }
        }
    }

    /// <summary>Takes <paramref name="count"/> slots (capped at the capacity); the returned hold gives them back once, when disposed.</summary>
    public ValueTask<Hold> AcquireAsync(int count, CancellationToken cancellationToken)
    {
        count = Math.Clamp(count, 1, Capacity);
        Waiter waiter;
        lock (_lock)
        {
            if (_waiters.Count == 0 && _free >= count)
            {
                _free -= count;
                return ValueTask.FromResult(new Hold(this, count));
            }

            waiter = new Waiter(count);
            waiter.Node = _waiters.AddLast(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.Register(static state =>
            {
                var (gate, w) = ((UnrecordedGate, Waiter))state!;
                gate.Cancel(w);
            }, (this, waiter));
        }

        return new ValueTask<Hold>(waiter.Task.Task);
    }

    private void Cancel(Waiter waiter)
    {
        lock (_lock)
        {
            if (waiter.Node?.List is null)
            {
                return; // granted meanwhile
            }

            _waiters.Remove(waiter.Node);
        }

        waiter.Task.TrySetCanceled();
        GrantWaiting(); // the head may have been the one blocking smaller requests behind it
    }

    private void Release(int count)
    {
        lock (_lock)
        {
            _free += count;
        }

        GrantWaiting();
    }

    private void GrantWaiting()
    {
        List<Waiter>? granted = null;
        lock (_lock)
        {
            while (_waiters.First is { } first && first.Value.Count <= _free)
            {
                _free -= first.Value.Count;
                _waiters.RemoveFirst();
                (granted ??= []).Add(first.Value);
            }
        }

        if (granted is null)
        {
            return;
        }

        foreach (var w in granted)
        {
            w.Registration.Dispose();
            if (!w.Task.TrySetResult(new Hold(this, w.Count)))
            {
                Release(w.Count); // cannot happen (cancellation removes the waiter first), but never leak slots
            }
        }
    }

    private sealed class Waiter(int count)
    {
        public int Count { get; } = count;

        public TaskCompletionSource<Hold> Task { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }
    }

    /// <summary>Slots taken from a gate; disposing gives them back (once, however often it is called).</summary>
    internal sealed class Hold(UnrecordedGate gate, int count) : IDisposable
    {
        private int _released;

        public int Count => count;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release(count);
            }
        }
    }
}
