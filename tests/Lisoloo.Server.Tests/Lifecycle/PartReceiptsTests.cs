using Lisoloo.Sdk;
using Lisoloo.Server.Lifecycle;

namespace Lisoloo.Server.Tests.Lifecycle;

/// <summary>How part receipts make a message's state: the rule both stores apply (their contract suite runs it against real receipts).</summary>
[TestFixture]
public sealed class PartReceiptsTests
{
    private static StoredPart Part(string state, string? detail = null, int parts = 2) => new(parts, state, detail);

    [Test]
    public void A_message_is_delivered_once_every_part_is()
    {
        var settled = PartReceipts.Settle(DeliveryStates.Sent, [Part("delivered"), Part("delivered")], "delivered", null);

        Assert.That(settled, Is.EqualTo(new Settlement("delivered", null, null, null)));
        Assert.That(settled!.IsFinal, Is.True);
    }

    [Test]
    public void A_message_waits_for_the_parts_it_has_not_heard_from()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PartReceipts.Settle("sent", [Part("delivered"), Part("sent")], "delivered", null), Is.Null, "one part still sent");
            Assert.That(PartReceipts.Settle("sent", [Part("delivered", parts: 3), Part("delivered", parts: 3)], "delivered", null), Is.Null, "the third part is not even stored");
        });
    }

    [Test]
    public void A_failed_part_fails_the_message_with_the_first_failure_and_its_words()
    {
        var settled = PartReceipts.Settle("accepted", [Part("delivered"), Part("expired", "err:027"), Part("undelivered", "err:001", parts: 3)], "undelivered", "err:001");

        Assert.That(settled, Is.EqualTo(new Settlement("expired", LisolooErrorCodes.Expired, ReceiptErrors.For("expired").Message, "err:027")));
    }

    [TestCase("accepted", null)]
    [TestCase("unknown", LisolooErrorCodes.DeliveryUnknown)]
    public void An_intermediate_answer_of_one_part_moves_the_message_at_once(string state, int? code)
    {
        var settled = PartReceipts.Settle("sent", [Part(state, "err:x"), Part("sent")], state, "err:x");

        Assert.That(settled, Is.EqualTo(new Settlement(state, code, ReceiptErrors.For(state).Message, code is null ? null : "err:x")));
        Assert.That(settled!.IsFinal, Is.False);
    }

    [TestCase("pending")]
    [TestCase("queued")]
    [TestCase("processing")]
    [TestCase("delivered")]
    [TestCase("expired")]
    [TestCase("cancelled")]
    public void Only_a_message_with_the_carrier_moves(string current) =>
        Assert.That(PartReceipts.Settle(current, [Part("delivered"), Part("delivered")], "delivered", null), Is.Null);

    [Test]
    public void A_message_already_in_the_settled_state_does_not_move_again() =>
        Assert.That(PartReceipts.Settle("accepted", [Part("accepted"), Part("sent")], "accepted", null), Is.Null);

    [TestCase(null, "delivered", false, TestName = "no such part")]
    [TestCase("sent", "sent", false, TestName = "a duplicate")]
    [TestCase("delivered", "undelivered", false, TestName = "after the final receipt")]
    [TestCase("sent", "delivered", true, TestName = "a new answer")]
    [TestCase("accepted", "delivered", true, TestName = "a final answer after an intermediate one")]
    public void A_receipt_changes_a_part_only_when_it_says_something_new(string? part, string receipt, bool changes) =>
        Assert.That(PartReceipts.Changes(part, receipt), Is.EqualTo(changes));

    [TestCase("delivered", true)]
    [TestCase("undelivered", true)]
    [TestCase("expired", true)]
    [TestCase("rejected", true)]
    [TestCase("failed", true)]
    [TestCase("sent", false)]
    [TestCase("accepted", false)]
    [TestCase("unknown", false)]
    [TestCase("cancelled", false)]
    [TestCase("DELIVERED", false)]
    public void Carrier_final_states(string state, bool final) =>
        Assert.That(DeliveryStates.IsCarrierFinal(state), Is.EqualTo(final));
}
