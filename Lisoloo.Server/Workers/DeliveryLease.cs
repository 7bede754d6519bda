using System.Collections.Concurrent;
using Lisoloo.Server.Storage;

namespace Lisoloo.Server.Workers;

/// <summary>
/// The lease a dispatcher batch holds on its rows, as this node counts it: from just before the claim (or the last
/// renewal) for one lease, less a safety margin, and not for rows a renewal found already gone. A carrier asks
/// <see cref="Holds"/> right before a message goes on the wire, so a node that stalled past its lease (a starved
/// machine, a long GC) gives its rows up to the node that may have claimed them meanwhile instead of submitting them
/// too. Only a stall between that check and the write itself can still make a message go out twice.
/// </summary>
internal sealed class DeliveryLease : IDeliveryLease
{
    private readonly TimeProvider _time;
    private readonly long _marginTicks;
    private readonly ConcurrentDictionary<long, byte> _lost = new();
    private long _validUntilTicks;

    /// <summary>A lease of <paramref name="lease"/> taken no earlier than <paramref name="askedAt"/>.</summary>
    public DeliveryLease(TimeProvider time, TimeSpan lease, DateTimeOffset askedAt)
    {
        _time = time;
        _marginTicks = lease.Ticks / 6;
        _validUntilTicks = (askedAt + lease).UtcTicks;
    }

    /// <summary>Gets how many rows a renewal found gone.</summary>
    public int LostCount => _lost.Count;

    /// <summary>True while <paramref name="deliveryId"/> may still go on the wire: not found gone, and more than a sixth of the lease left.</summary>
    public bool Holds(long deliveryId) =>
        !_lost.ContainsKey(deliveryId) && _time.GetUtcNow().UtcTicks < Interlocked.Read(ref _validUntilTicks) - _marginTicks;

    /// <summary>Records a renewal asked at <paramref name="askedAt"/>: the rows it extended hold for another lease, <paramref name="lost"/> no longer do.</summary>
    public void Renewed(DateTimeOffset askedAt, TimeSpan lease, IEnumerable<long> lost)
    {
        foreach (var id in lost)
        {
            _lost.TryAdd(id, 0);
        }

        Interlocked.Exchange(ref _validUntilTicks, (askedAt + lease).UtcTicks);
    }
}
