namespace Lisoloo.Server.Carriers.Smpp.Text;

/// <summary>Joins the texts of a concatenated message's parts.</summary>
internal static class Concatenation
{
    /// <summary>Joins parts in sequence order, whatever order they arrived in; a repeated sequence number counts once.</summary>
    /// <param name="parts">The parts' sequence numbers (<see cref="ConcatenationInfo.Sequence"/>) and texts.</param>
    /// <returns>The message text. Missing parts are not detected here: compare the count with the total first.</returns>
    public static string Join(IEnumerable<(byte Sequence, string Text)> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return string.Concat(parts.DistinctBy(p => p.Sequence).OrderBy(p => p.Sequence).Select(p => p.Text));
    }
}
