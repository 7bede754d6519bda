namespace Lisoloo.Server.Storage;

/// <summary>
/// How a claim splits its rows between the carriers that decide in process (submitted inside the claim's transaction,
/// grouped per carrier) and the rest (leased and submitted by the workers): the same for every provider.
/// </summary>
/// <param name="Leased">Rows whose carrier is not in process (or not ready): they take the leased path.</param>
/// <param name="Inline">Rows for each in-process carrier, in claim order.</param>
internal sealed record InlineSplit(List<ClaimedDelivery> Leased, List<(IInlineCarrier Carrier, List<ClaimedDelivery> Rows)> Inline)
{
    /// <summary>Splits <paramref name="claimed"/> by the carrier <paramref name="inlineFor"/> gives each row's environment.</summary>
    public static InlineSplit Of(IReadOnlyList<ClaimedDelivery> claimed, Func<string, IInlineCarrier?> inlineFor)
    {
        var leased = new List<ClaimedDelivery>(claimed.Count);
        var inline = new List<(IInlineCarrier Carrier, List<ClaimedDelivery> Rows)>();
        foreach (var d in claimed)
        {
            var carrier = inlineFor(d.Environment);
            if (carrier is null)
            {
                leased.Add(d);
                continue;
            }

            var slot = inline.FindIndex(x => ReferenceEquals(x.Carrier, carrier));
            if (slot < 0)
            {
                inline.Add((carrier, []));
                slot = inline.Count - 1;
            }

            inline[slot].Rows.Add(d);
        }

        return new InlineSplit(leased, inline);
    }
}
