using Lisoloo.Sdk;
using Lisoloo.Server.Lifecycle;
using Lisoloo.Server.Storage;

namespace Lisoloo.Server.Tests.Lifecycle;

/// <summary>The rules of cancel, pause and resume that every store and the mock server obey: eligibility, refunds, words.</summary>
[TestFixture]
public sealed class SendActionsTests
{
    // 3 recipients, 2 segments, 0.02 per segment.
    private static ActionSend Send(string type = "recurring", string state = "active") => new(7, 1, type, state, 3, 2, 20_000, "USD");

    [Test]
    public void A_cancel_refunds_each_pending_delivery_and_each_recipient_of_each_cancelled_occurrence()
    {
        var outcome = SendActions.Cancelled(Send(), deliveries: 2, occurrences: 4);

        // (2 + 4 × 3) messages × 2 segments = 28 SMS, at 0.02.
        Assert.That(outcome, Is.EqualTo(new ActionOutcome("cancelled", 28, 560_000, "USD", null)));
    }

    [Test]
    public void A_cancel_with_nothing_left_is_refused_1402()
    {
        var refusal = Assert.Throws<SendActionRefusedException>(() => SendActions.Cancelled(Send(), 0, 0));
        Assert.That(refusal!.ErrorCode, Is.EqualTo(LisolooErrorCodes.CannotCancel));
    }

    [TestCase("immediate", "active", "Only scheduled and recurring sends can be paused.")]
    [TestCase("scheduled", "paused", "A paused send cannot be paused.")]
    [TestCase("recurring", "cancelled", "A cancelled send cannot be paused.")]
    public void Only_an_active_scheduled_or_recurring_send_may_be_paused(string type, string state, string message)
    {
        var refusal = Assert.Throws<SendActionRefusedException>(() => SendActions.CheckPause(Send(type, state)));
        Assert.That((refusal!.ErrorCode, refusal.Message), Is.EqualTo((LisolooErrorCodes.CannotPause, message)));
        Assert.DoesNotThrow(() => SendActions.CheckPause(Send("scheduled", "active")));
    }

    [Test]
    public void A_pause_that_found_no_scheduled_occurrence_is_refused_and_one_that_did_refunds_nothing()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<SendActionRefusedException>(() => SendActions.Paused(Send(), 0))!.Message, Is.EqualTo("This send has no occurrence left to pause."));
            Assert.That(SendActions.Paused(Send(), 3), Is.EqualTo(new ActionOutcome("paused", 0, 0, "USD", null)));
        });
    }

    [Test]
    public void A_resume_refunds_the_skipped_occurrences_and_says_cancelled_when_none_is_left()
    {
        Assert.Throws<SendActionRefusedException>(() => SendActions.CheckResume(Send(state: "active")));
        Assert.Multiple(() =>
        {
            Assert.That(SendActions.Resumed(Send(state: "paused"), skipped: 2, resumed: 1), Is.EqualTo(new ActionOutcome("scheduled", 12, 240_000, "USD", 2)));
            Assert.That(SendActions.Resumed(Send(state: "paused"), skipped: 1, resumed: 0), Is.EqualTo(new ActionOutcome("cancelled", 6, 120_000, "USD", 1)));
        });
    }
}
