namespace Lisoloo.Server.Carriers.Smpp.Text;

/// <summary>
/// A delivery receipt read from the text of a <c>deliver_sm</c> (SMPP 3.4 Appendix B:
/// <c>id:… sub:… dlvrd:… submit date:… done date:… stat:… err:… text:…</c>). Only <see cref="Id"/> and
/// <see cref="Stat"/> are required; the rest is null when absent or unreadable.
/// </summary>
/// <param name="Id">The SMSC message id, exactly as written (hex, decimal or anything else); see <see cref="SmscMessageId"/>.</param>
/// <param name="Stat">The state as written (<c>DELIVRD</c>, <c>UNDELIV</c>, …); see <see cref="ReceiptStates.FromStat"/>.</param>
/// <param name="Error">The <c>err</c> field as written (e.g. <c>000</c>, a network or SMSC specific code).</param>
/// <param name="Submitted">The <c>sub</c> field: short messages originally submitted.</param>
/// <param name="Delivered">The <c>dlvrd</c> field: short messages delivered.</param>
/// <param name="SubmitDate">When the message was submitted (UTC, to the minute or second).</param>
/// <param name="DoneDate">When it reached its final state (UTC, to the minute or second).</param>
/// <param name="Text">The <c>text</c> field (usually the first 20 characters of the message).</param>
internal sealed record DeliveryReceipt(
    string Id,
    string Stat,
    string? Error,
    int? Submitted,
    int? Delivered,
    DateTimeOffset? SubmitDate,
    DateTimeOffset? DoneDate,
    string? Text);
