using Lisoloo.Sdk;
using Lisoloo.Server.Lifecycle;

namespace Lisoloo.Server.Carriers.Sandbox;

/// <summary>
/// The deterministic outcomes of the sandbox carrier (the magic numbers of the contract): a pure function of the
/// recipient, shared by the sandbox carrier and by Lisoloo.Sdk.Testing's mock server, so that both agree.
/// </summary>
internal static class SandboxOutcomes
{
    public static SandboxOutcome For(string recipient) => recipient switch
    {
        "+99900000001" => new(DeliveryStates.Undelivered, SandboxDelay.Failure),
        "+99900000002" => new(DeliveryStates.Expired, SandboxDelay.Failure),
        "+99900000003" => new(DeliveryStates.Rejected, SandboxDelay.Failure),
        "+99900000004" => new(null, SandboxDelay.Delivery, LisolooErrorCodes.RefusedByCarrier, "The sandbox carrier refused the message at submit (+99900000004 always does)."),
        "+99900000005" => new(DeliveryStates.Delivered, SandboxDelay.SlowDelivery),
        _ => new(DeliveryStates.Delivered, SandboxDelay.Delivery),
    };
}
