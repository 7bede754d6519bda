using Lisoloo.Server.Configuration;
using Lisoloo.Server.Storage;
using Microsoft.Extensions.Options;

namespace Lisoloo.Server.Carriers.Sandbox;

/// <summary>
/// The deterministic carrier of test keys (docs/contract.md): the outcome is a pure function of the recipient
/// (<see cref="SandboxOutcomes"/>), and the receipt is announced at submit with its due time, so it survives restarts
/// through the deliveries table.
/// <list type="table">
/// <item><term>+99900000001</term><description>sent, then undelivered after <c>FailureDelay</c></description></item>
/// <item><term>+99900000002</term><description>sent, then expired after <c>FailureDelay</c></description></item>
/// <item><term>+99900000003</term><description>sent, then rejected after <c>FailureDelay</c></description></item>
/// <item><term>+99900000004</term><description>failed at submit (refunded)</description></item>
/// <item><term>+99900000005</term><description>sent, then delivered after <c>SlowDeliveryDelay</c></description></item>
/// <item><term>anything else</term><description>sent, then delivered after <c>DeliveryDelay</c></description></item>
/// </list>
/// </summary>
internal sealed class SandboxCarrier(IOptions<ServerOptions> options, TimeProvider time) : ICarrier, IInlineCarrier
{
    public string Name => "sandbox";

    public bool IsReady => true;

    public string Describe() => "Deterministic sandbox carrier for test keys.";

    public IReadOnlyList<Task<SubmitResult>> Submit(IReadOnlyList<ClaimedDelivery> batch, CancellationToken cancellationToken) =>
        [.. SubmitInline(batch).Select(Task.FromResult)];

    public IReadOnlyList<SubmitResult> SubmitInline(IReadOnlyList<ClaimedDelivery> batch)
    {
        var o = options.Value.Sandbox;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var results = new SubmitResult[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var d = batch[i];
            // The sandbox's message id: unique per delivery and nothing to guess (test keys only), so no CSPRNG call per message.
            var reference = "sbx_" + d.DeliveryId.ToString("x12", System.Globalization.CultureInfo.InvariantCulture);
            var outcome = SandboxOutcomes.For(d.Recipient);
            results[i] = outcome.Refused
                ? new SubmitResult(d.DeliveryId, false, null, outcome.RefusedCode, outcome.RefusedMessage, null, 0)
                : Announce(d, reference, outcome.ReceiptState!, now + Ms(outcome.Delay switch
                {
                    SandboxDelay.SlowDelivery => o.SlowDeliveryDelay,
                    SandboxDelay.Failure => o.FailureDelay,
                    _ => o.DeliveryDelay,
                }));
        }

        return results;
    }

    private static SubmitResult Announce(ClaimedDelivery d, string reference, string state, long at) =>
        new(d.DeliveryId, true, reference, null, null, state, at);

    private static long Ms(TimeSpan span) => (long)span.TotalMilliseconds;
}
