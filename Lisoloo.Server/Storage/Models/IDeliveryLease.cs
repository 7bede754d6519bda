namespace Lisoloo.Server.Storage;

/// <summary>A lease on claimed rows, as the node that holds it counts it.</summary>
internal interface IDeliveryLease
{
    /// <summary>True while <paramref name="deliveryId"/> may still go on the wire from this node.</summary>
    bool Holds(long deliveryId);
}
