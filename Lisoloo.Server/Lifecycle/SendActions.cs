using Lisoloo.Sdk;
using Lisoloo.Server.Storage;

namespace Lisoloo.Server.Lifecycle;

/// <summary>
/// The rules of cancel, pause and resume, in one place for every store (and the mock server): when each is allowed,
/// what it refunds, what it answers, and the words of a refusal. A store reads the send under its lock, changes the
/// rows the rule names, and returns what these functions make of the counts; it decides nothing itself.
/// </summary>
/// <remarks>
/// A refusal is a <see cref="SendActionRefusedException"/> carrying its catalogue code; the API answers it 404 (1401)
/// or 409 (1402–1404). Storage knows no HTTP.
/// </remarks>
internal static class SendActions
{
    /// <summary>No send with that id belongs to the account.</summary>
    public static SendActionRefusedException NotFound() => new(LisolooErrorCodes.MessageNotFound, "No message with this id.");

    /// <summary>
    /// The outcome of a cancel that moved <paramref name="deliveries"/> pending deliveries and
    /// <paramref name="occurrences"/> scheduled or paused occurrences to cancelled: each refunded, the send cancelled.
    /// </summary>
    /// <exception cref="SendActionRefusedException">Nothing was left to cancel (1402).</exception>
    public static ActionOutcome Cancelled(ActionSend send, long deliveries, long occurrences)
    {
        if (deliveries == 0 && occurrences == 0)
        {
            throw new SendActionRefusedException(LisolooErrorCodes.CannotCancel,
                "Nothing of this message can be cancelled: it has reached the carrier, or it was already cancelled.");
        }

        var messages = (deliveries + (occurrences * send.Recipients)) * send.Segments;
        return new ActionOutcome(DeliveryStates.Cancelled, (int)messages, messages * send.UnitPriceMicros, send.Currency, null);
    }

    /// <summary>Checks that <paramref name="send"/> may be paused: a scheduled or recurring send that is active.</summary>
    /// <exception cref="SendActionRefusedException">An immediate send, or one not active (1403).</exception>
    public static void CheckPause(ActionSend send)
    {
        if (send.Type == SendingTypes.Immediate || send.State != SendStates.Active)
        {
            throw new SendActionRefusedException(LisolooErrorCodes.CannotPause,
                send.Type == SendingTypes.Immediate ? "Only scheduled and recurring sends can be paused." : $"A {send.State} send cannot be paused.");
        }
    }

    /// <summary>The outcome of a pause that moved <paramref name="paused"/> scheduled occurrences to paused; the send is then paused.</summary>
    /// <exception cref="SendActionRefusedException">No occurrence was left to pause (1403).</exception>
    public static ActionOutcome Paused(ActionSend send, long paused) => paused == 0
        ? throw new SendActionRefusedException(LisolooErrorCodes.CannotPause, "This send has no occurrence left to pause.")
        : new ActionOutcome(DeliveryStates.Paused, 0, 0, send.Currency, null);

    /// <summary>Checks that <paramref name="send"/> may be resumed: it is paused.</summary>
    /// <exception cref="SendActionRefusedException">The send is not paused (1404).</exception>
    public static void CheckResume(ActionSend send)
    {
        if (send.State != SendStates.Paused)
        {
            throw new SendActionRefusedException(LisolooErrorCodes.CannotResume, $"Only a paused send can be resumed; this one is {send.State}.");
        }
    }

    /// <summary>
    /// The outcome of a resume that skipped <paramref name="skipped"/> occurrences whose time passed while paused (each
    /// refunded) and scheduled <paramref name="resumed"/> again; the send is then active.
    /// </summary>
    public static ActionOutcome Resumed(ActionSend send, long skipped, long resumed)
    {
        var messages = skipped * send.Recipients * send.Segments;
        return new ActionOutcome(resumed > 0 ? DeliveryStates.Scheduled : DeliveryStates.Cancelled, (int)messages, messages * send.UnitPriceMicros, send.Currency, (int)skipped);
    }
}
