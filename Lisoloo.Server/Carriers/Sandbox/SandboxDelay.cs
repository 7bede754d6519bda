namespace Lisoloo.Server.Carriers.Sandbox;

/// <summary>Which of the sandbox's delays a receipt waits for.</summary>
internal enum SandboxDelay
{
    /// <summary><c>Sandbox:DeliveryDelay</c>: an ordinary number, delivered.</summary>
    Delivery,

    /// <summary><c>Sandbox:SlowDeliveryDelay</c>: +99900000005, delivered late.</summary>
    SlowDelivery,

    /// <summary><c>Sandbox:FailureDelay</c>: the failure receipts.</summary>
    Failure,
}
