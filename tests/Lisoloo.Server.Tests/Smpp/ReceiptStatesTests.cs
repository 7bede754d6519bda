using Lisoloo.Server.Carriers.Smpp.Text;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>Receipt states to server states, and which of them are final.</summary>
[TestFixture]
public sealed class ReceiptStatesTests
{
    [TestCase("DELIVRD", "delivered")]
    [TestCase("delivrd", "delivered")]
    [TestCase("DELIVERED", "delivered")]
    [TestCase("UNDELIV", "undelivered")]
    [TestCase("UNDELIVERABLE", "undelivered")]
    [TestCase("EXPIRED", "expired")]
    [TestCase("REJECTD", "rejected")]
    [TestCase("Rejected", "rejected")]
    [TestCase("DELETED", "failed")]
    [TestCase("ACCEPTD", "accepted")]
    [TestCase("ACCEPTED", "accepted")]
    [TestCase("ENROUTE", "sent")]
    [TestCase("UNKNOWN", "unknown")]
    [TestCase(" DELIVRD ", "delivered")]
    [TestCase("FAILED", null)]
    [TestCase("", null)]
    [TestCase(null, null)]
    public void FromStat_Word_MapsToServerState(string? stat, string? state) =>
        Assert.That(ReceiptStates.FromStat(stat), Is.EqualTo(state));

    [TestCase(0, null)]
    [TestCase(1, "sent")]
    [TestCase(2, "delivered")]
    [TestCase(3, "expired")]
    [TestCase(4, "failed")]
    [TestCase(5, "undelivered")]
    [TestCase(6, "accepted")]
    [TestCase(7, "unknown")]
    [TestCase(8, "rejected")]
    [TestCase(9, null)]
    [TestCase(255, null)]
    public void FromMessageState_Value_MapsToServerState(int messageState, string? state) =>
        Assert.That(ReceiptStates.FromMessageState((byte)messageState), Is.EqualTo(state));
}
