namespace Lisoloo.Sdk;

/// <summary>
/// The offline twin of the server's billing: recipients × segments × occurrences × unit price,
/// counted with <see cref="PhoneNumbers"/> and <see cref="SmsSegments"/> exactly as the server counts.
/// </summary>
/// <remarks>
/// The estimate does not check the send's limits (1,000 recipients, 10 segments, sender id, schedule):
/// the server does, and <c>POST /calculate</c> answers with its authoritative figure and current unit price.
/// </remarks>
public static class SmsCost
{
    /// <summary>Computes the cost of a send from its counts.</summary>
    /// <param name="recipients">The number of distinct recipients.</param>
    /// <param name="segments">The segments one copy of the message takes.</param>
    /// <param name="occurrences">The number of times the message is sent to every recipient.</param>
    /// <param name="unitPrice">The price of one SMS segment.</param>
    /// <returns>The exact cost, without rounding.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is negative.</exception>
    /// <exception cref="OverflowException">The number of SMS does not fit in an <see cref="int"/>, or the cost in a <see cref="decimal"/>.</exception>
    public static decimal Estimate(int recipients, int segments, int occurrences, decimal unitPrice)
    {
        CheckCounts(recipients, segments, occurrences, unitPrice);
        return checked(TotalMessages(recipients, segments, occurrences) * unitPrice);
    }

    /// <summary>Computes the cost of a would-be send from its recipients and text.</summary>
    /// <param name="to">The recipients as typed; they are normalised and de-duplicated like the server does.</param>
    /// <param name="message">The message text.</param>
    /// <param name="occurrences">The number of times the message is sent to every recipient (1 for an immediate send).</param>
    /// <param name="unitPrice">The price of one SMS segment.</param>
    /// <returns>The counts and the exact cost.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="to"/> or <paramref name="message"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// A recipient is not a valid number (the server would refuse the whole send; the message names the indexes),
    /// or <paramref name="message"/> is empty.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="occurrences"/> or <paramref name="unitPrice"/> is negative.</exception>
    /// <exception cref="OverflowException">The number of SMS does not fit in an <see cref="int"/>, or the cost in a <see cref="decimal"/>.</exception>
    public static CostEstimate Estimate(IEnumerable<string> to, string message, int occurrences, decimal unitPrice)
    {
        Guard.NotNull(to);
        Guard.NotNull(message);
        if (message.Length == 0)
        {
            throw new ArgumentException("The message must not be empty.", nameof(message));
        }

        var batch = PhoneNumbers.NormalizeAll(to);
        if (!batch.AllValid)
        {
            throw new ArgumentException(
                "Invalid recipient number(s) at index " + string.Join(", ", batch.InvalidIndexes) + ".",
                nameof(to));
        }

        var segments = SmsSegments.Count(message);
        int recipients = batch.Numbers.Count;
        CheckCounts(recipients, segments.Segments, occurrences, unitPrice);
        int total = TotalMessages(recipients, segments.Segments, occurrences);
        return new CostEstimate
        {
            TotalRecipients = recipients,
            Segments = segments.Segments,
            Encoding = segments.Encoding,
            Occurrences = occurrences,
            TotalMessages = total,
            TotalCost = checked(total * unitPrice),
        };
    }

    private static int TotalMessages(int recipients, int segments, int occurrences)
        => checked(recipients * segments * occurrences);

    private static void CheckCounts(int recipients, int segments, int occurrences, decimal unitPrice)
    {
        if (recipients < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(recipients), recipients, "Must not be negative.");
        }

        if (segments < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(segments), segments, "Must not be negative.");
        }

        if (occurrences < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(occurrences), occurrences, "Must not be negative.");
        }

        if (unitPrice < 0m)
        {
            throw new ArgumentOutOfRangeException(nameof(unitPrice), unitPrice, "Must not be negative.");
        }
    }
}
